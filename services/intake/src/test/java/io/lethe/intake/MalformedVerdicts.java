package io.lethe.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Headers;
import io.lethe.intake.MalformedInputs.Kind;
import io.lethe.intake.MalformedRequests.HttpInput;
import io.lethe.intake.MalformedRequests.KafkaInput;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.assertj.core.api.SoftAssertions;

/**
 * Judges each input's outcome for {@link MalformedInputIT} and counts it in the {@link
 * MalformedReport}: per-input failures are collected as violations (10,000 soft assertions would
 * drown the one that matters), the few global checks are soft assertions.
 */
final class MalformedVerdicts {
  static final String TRUNCATED = "lethe-dlq-truncated";

  private final MalformedReport report;
  private final ObjectMapper json;

  MalformedVerdicts(MalformedReport report, ObjectMapper json) {
    this.report = report;
    this.json = json;
  }

  /** One HTTP answer: allowed status, never 5xx, a problem body on 4xx; a 202 is expected out. */
  void http(HttpInput in, HttpResponse<String> r, MalformedInputIT.Expectations expected) {
    if (r == null) {
      return; // reported by the sender
    }
    int status = r.statusCode();
    report.count("HTTP status " + status, 1);
    report.count("HTTP " + in.body().kind() + " -> " + status, 1);
    String what =
        "%s %s %s [%s] %s (%s): %d %s"
            .formatted(
                in.id(),
                in.method(),
                in.path(),
                in.contentType(),
                in.body().label(),
                in.body().kind(),
                status,
                r.body());
    if (status >= 500) {
      report.violation("HTTP 5xx", what);
    } else if (!in.allowed().contains(status)) {
      report.violation("HTTP status not in " + in.allowed() + " for " + in.body().kind(), what);
    }
    if (status >= 400 && !r.body().isEmpty()) {
      String type = r.headers().firstValue("content-type").orElse("");
      JsonNode problem = type.startsWith("application/problem+json") ? tree(r.body()) : null;
      if (problem == null || problem.path("status").asInt() != status) {
        report.violation(
            "HTTP " + status + " body is not an application/problem+json problem",
            type + " " + what);
      }
    }
    if (status == 202) {
      JsonNode receipt = tree(r.body());
      if (receipt == null || !"accepted".equals(receipt.path("status").asText())) {
        report.violation("HTTP 202 without an accepted receipt", what);
      }
      if (in.body().kind() == Kind.VALID) {
        expected.accepted.put(in.body().eventId(), in.body().models());
      } // else: a violation above, and any forget request for it is one more
    }
  }

  /** Every bad Kafka input dead-lettered unchanged with a reason of its kind; no valid one. */
  void kafka(List<KafkaInput> inputs, MalformedTopics.Seen seen, String topic) {
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byInput = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : seen.deadLetters()) {
      String id = MalformedInputIT.header(r, MalformedRequests.INPUT_HEADER);
      byInput.computeIfAbsent(String.valueOf(id), k -> new ArrayList<>()).add(r);
    }
    for (KafkaInput in : inputs) {
      List<ConsumerRecord<byte[], byte[]>> letters = byInput.getOrDefault(in.id(), List.of());
      String what = in.id() + " " + in.body().label() + " (" + in.body().kind() + ")";
      if (in.body().kind() == Kind.VALID) {
        if (!letters.isEmpty()) {
          report.violation(
              "valid Kafka event dead-lettered", what + ": " + reasonOf(letters.get(0)));
        }
        continue;
      }
      if (letters.isEmpty()) {
        report.violation("bad Kafka record not dead-lettered", what);
        continue;
      }
      if (letters.size() > 1) {
        report.count("Kafka dead letters repeated (at least once)", letters.size() - 1);
      }
      ConsumerRecord<byte[], byte[]> d = letters.get(0);
      String reason = reasonOf(d);
      String category = category(reason);
      report.count("Kafka dead-lettered, reason " + category, 1);
      if (reason == null || !reason.startsWith("deletion-event.v1")) {
        report.violation("dead letter without a lethe-dlq-reason", what + ": " + reason);
      } else if (!fits(in.body().kind(), category)) {
        report.violation(
            "dead letter reason " + category + " for a " + in.body().kind() + " record",
            what + ": " + reason);
      }
      if (count(d, Headers.DLQ_REASON) != 1) {
        report.violation(
            "dead letter with more than one lethe-dlq-reason (a forged one kept)", what);
      }
      if (!topic.equals(MalformedInputIT.header(d, Headers.DLQ_SOURCE_TOPIC))) {
        report.violation("dead letter without its source topic", what);
      }
      if (!Arrays.equals(in.value(), d.value()) || !Arrays.equals(in.key(), d.key())) {
        report.violation("dead letter not the unchanged record", what);
      }
    }
  }

  /** Each accepted event in exactly one forget request per model; nothing else in any. */
  void coverage(MalformedInputIT.Expectations expected, MalformedTopics.Seen seen) {
    Map<String, List<String>> covered = new TreeMap<>();
    for (ForgetRequest fr : seen.requests()) {
      fr.sourceEventIds()
          .forEach(id -> covered.computeIfAbsent(id, k -> new ArrayList<>()).add(fr.modelId()));
    }
    report.count("forget requests emitted", seen.requests().size());
    long processed = 0;
    for (var e : expected.accepted.entrySet()) {
      List<String> models = new ArrayList<>(covered.getOrDefault(e.getKey(), List.of()));
      models.sort(null);
      List<String> want = new ArrayList<>(e.getValue());
      want.sort(null);
      if (models.equals(want)) {
        processed++;
      } else {
        report.violation(
            models.isEmpty()
                ? "valid event not processed"
                : "valid event not covered exactly once per model",
            e.getKey() + ": want " + want + ", got " + models);
      }
    }
    report.count("valid events processed (exactly once per model)", processed);
    covered.keySet().stream()
        .filter(id -> !expected.accepted.containsKey(id))
        .forEach(
            id ->
                report.violation(
                    "forget request for an event that was not accepted",
                    id + " -> " + covered.get(id)));
  }

  /**
   * The ~1 MB record: dead-lettered truncated ({@value #TRUNCATED}), small enough for the topic,
   * naming its sha256, offset and reason.
   */
  void poison(
      KafkaInput poison,
      RecordMetadata at,
      MalformedTopics.Seen seen,
      String topic,
      int maxBytes,
      SoftAssertions soft) {
    List<ConsumerRecord<byte[], byte[]>> letters =
        seen.deadLetters().stream()
            .filter(
                r ->
                    r.headers().lastHeader(TRUNCATED) != null
                        || poison
                            .id()
                            .equals(MalformedInputIT.header(r, MalformedRequests.INPUT_HEADER)))
            .toList();
    report.count("Kafka dead-lettered truncated (the 1 MB record)", letters.size());
    soft.assertThat(letters)
        .as(
            "dead letter of the %d-byte record at %s-%d@%d (expected to fail until the truncated dead letters of i19-consumer are merged)",
            poison.value().length, topic, at.partition(), at.offset())
        .isNotEmpty();
    if (letters.isEmpty()) {
      return;
    }
    ConsumerRecord<byte[], byte[]> d = letters.get(0);
    String text = d.value() == null ? "" : new String(d.value(), StandardCharsets.UTF_8);
    String sha;
    try {
      sha = MalformedInputIT.sha256(poison.value());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    soft.assertThat(d.headers().lastHeader(TRUNCATED)).as("header %s", TRUNCATED).isNotNull();
    soft.assertThat(reasonOf(d)).as("its lethe-dlq-reason").isNotBlank();
    soft.assertThat(MalformedInputIT.header(d, Headers.DLQ_SOURCE_TOPIC))
        .as("its source topic")
        .isEqualTo(topic);
    soft.assertThat(d.serializedValueSize()).as("its size").isLessThan(maxBytes);
    soft.assertThat(text).as("its value names the original's sha256").containsIgnoringCase(sha);
    JsonNode value = tree(text);
    soft.assertThat(value).as("its value is JSON").isNotNull();
    if (value != null) {
      soft.assertThat(numbersNamed(value, "offset"))
          .as("its value names the offset")
          .contains(at.offset());
      soft.assertThat(numbersNamed(value, "partition"))
          .as("its value names the partition")
          .contains((long) at.partition());
    }
  }

  /** Every per-input violation, as one soft assertion listing them. */
  void assertNoViolations(SoftAssertions soft) {
    soft.assertThat(report.violationCount())
        .as("per-input violations:%s", report.violations())
        .isZero();
  }

  private static boolean fits(Kind kind, String category) {
    return switch (kind) {
      case UNKNOWN -> category.equals("unprocessable");
      case EMPTY -> category.equals("empty");
      case SCHEMA -> category.equals("schema");
      // Random bytes can be nothing but white space: no JSON at all, which is "empty".
      case BROKEN ->
          category.equals("not_json") || category.equals("schema") || category.equals("empty");
      case VALID -> false;
    };
  }

  static String category(String reason) {
    if (reason == null) {
      return "none";
    }
    if (reason.contains("nothing to forget")) {
      return "unprocessable";
    }
    if (reason.contains("$: empty message")) {
      return "empty";
    }
    if (reason.contains("$: not valid JSON") || reason.contains("$: unreadable")) {
      return "not_json";
    }
    if (reason.contains("the limit is")) {
      return "too_large";
    }
    return "schema";
  }

  private static String reasonOf(ConsumerRecord<byte[], byte[]> r) {
    return MalformedInputIT.header(r, Headers.DLQ_REASON);
  }

  private static int count(ConsumerRecord<byte[], byte[]> r, String name) {
    int n = 0;
    for (var h : r.headers().headers(name)) {
      n++;
    }
    return n;
  }

  private static List<Long> numbersNamed(JsonNode node, String part) {
    List<Long> out = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().toLowerCase().contains(part) && e.getValue().canConvertToLong()) {
                out.add(e.getValue().asLong());
              }
              if (e.getValue().isContainerNode()) {
                out.addAll(numbersNamed(e.getValue(), part));
              }
            });
    return out;
  }

  private JsonNode tree(String text) {
    try {
      JsonNode n = json.readTree(text);
      return n == null || n.isMissingNode() ? null : n;
    } catch (Exception e) {
      return null;
    }
  }
}
