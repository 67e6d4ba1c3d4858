package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.RequestState;
import io.lethe.api.UnlearningResult;
import io.lethe.infra.ServerEnvironment;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.auth.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake against a real broker ({@link ServerEnvironment}), over HTTP and Kafka, with its own
 * topics and a 1 s window.
 */
class IntakeIT {
  static final Duration WINDOW = Duration.ofSeconds(1);
  static final String SHA = "sha256:" + "c".repeat(64);
  static final String CATALOG =
      """
      {"models": {"faces": {"baseVersion": 2, "datasetId": "f"},
                  "voices": {"baseVersion": 5, "datasetId": "v"},
                  "ears": {"baseVersion": 1, "datasetId": "e"}},
       "datasets": {"f": {"version": "%s", "subjects": {"s-1": ["f/1.png"], "s-2": ["f/2.png"]}},
                    "v": {"version": "%s", "subjects": {"k-1": ["v/1.wav"]}},
                    "e": {"version": "%s", "subjects": {"e-1": ["e/1.png"]}}}}
      """
          .formatted(SHA, SHA, SHA);

  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final String IN = "it.intake.in." + RUN;
  static final String OUT = "it.intake.out." + RUN;
  static final String DLQ = "it.intake.dlq." + RUN;
  static final String LEDGER = "it.intake.ledger." + RUN;
  static final String RESULTS = "it.intake.results." + RUN;
  static final String GROUP = "it-intake-" + RUN;

  static String bootstrap;
  static Vertx vertx;
  static IntakeService service;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = MessageCodec.newObjectMapper();
  static final MessageCodec codec = new MessageCodec();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    bootstrap = ServerEnvironment.kafkaBootstrapServers();
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(IN, 1, (short) 1),
                  new NewTopic(OUT, 1, (short) 1),
                  new NewTopic(DLQ, 1, (short) 1),
                  new NewTopic(RESULTS, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path catalog = Files.writeString(dir.resolve("catalog.json"), CATALOG);
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "it-intake-" + RUN, GROUP),
            HttpSettings.ephemeral(),
            WINDOW,
            catalog,
            AuthSettings.fromEnv(TestTokens.env()));
    vertx = Vertx.vertx();
    ComponentVerticle verticle =
        new ComponentVerticle(
            v -> {
              service =
                  new IntakeService(
                          v, settings, JsonModelCatalog.load(catalog), new Metrics("intake"))
                      .optTopics(IN, OUT, DLQ)
                      .optLedgerTopic(LEDGER)
                      .optResultsTopic(RESULTS);
              return service;
            });
    await(vertx.deployVerticle(verticle));
    base = "http://127.0.0.1:" + service.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void twoPostsForOneModelWithinTheWindowBecomeOneRequestAndARepeatIsNotEmittedAgain()
      throws Exception {
    HttpResponse<String> first = post(event("evt-1", "key-1", "\"s-1\"", "corr-1"));
    HttpResponse<String> second = post(event("evt-2", "key-2", "\"s-2\", \"ghost\"", "corr-2"));

    // 202 = durably on the deletion-events topic; coalescing happens downstream of that.
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    JsonNode a = json.readTree(first.body());
    JsonNode b = json.readTree(second.body());
    assertThat(a.path("status").asText()).isEqualTo("accepted");
    assertThat(a.path("statusUrl").asText()).isEqualTo("/v1/deletions/key-1");
    assertThat(a.path("modelIds").toString()).isEqualTo("[\"faces\"]");
    assertThat(b.path("unknownSubjectIds").toString()).isEqualTo("[\"ghost\"]");
    assertThat(
            read(IN, rs -> rs.size() >= 2, Duration.ofSeconds(10)).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)))
        .contains("key-1", "key-2");

    List<ForgetRequest> emitted =
        forgetRequests(
                rs -> rs.stream().anyMatch(fr -> fr.modelId().equals("faces")),
                Duration.ofSeconds(20))
            .stream()
            .filter(fr -> fr.modelId().equals("faces"))
            .toList();
    assertThat(emitted).hasSize(1);
    ForgetRequest r = emitted.get(0);
    String requestId = r.requestId();
    assertThat(r.modelId()).isEqualTo("faces");
    assertThat(r.subjectIds()).containsExactly("s-1", "s-2");
    assertThat(r.sampleIds()).containsExactly("f/1.png", "f/2.png");
    assertThat(r.sourceEventIds()).containsExactly("evt-1", "evt-2");
    assertThat(r.correlationId()).isEqualTo("corr-1");
    assertThat(r.baseVersion()).isEqualTo(2);

    JsonNode deletion = awaitStatus("/v1/deletions/key-1", "emitted");
    assertThat(deletion.path("requests").get(0).path("requestId").asText()).isEqualTo(requestId);
    HttpResponse<String> status = get("/v1/requests/" + requestId);
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode s = json.readTree(status.body());
    assertThat(s.path("status").asText()).isEqualTo("emitted");
    assertThat(s.path("modelId").asText()).isEqualTo("faces");
    assertThat(s.path("subjectIds").toString()).isEqualTo("[\"s-1\",\"s-2\"]");
    // The ledger holds it: what a restarted or another replica answers from.
    List<ConsumerRecord<byte[], byte[]>> ledger =
        read(LEDGER, rs -> rs.size() >= 2, Duration.ofSeconds(10));
    assertThat(ledger)
        .extracting(rec -> codec.decode(rec.value(), RequestState.class).state())
        .containsSubsequence(RequestState.State.EMITTING, RequestState.State.EMITTED);

    HttpResponse<String> again = post(event("evt-1b", "key-1", "\"s-1\"", "corr-9"));
    assertThat(again.statusCode()).isEqualTo(200);
    JsonNode d = json.readTree(again.body());
    assertThat(d.path("duplicate").asBoolean()).isTrue();
    assertThat(d.path("requestIds").get(0).asText()).isEqualTo(requestId);
    Thread.sleep(WINDOW.toMillis() * 2 + 500);
    assertThat(forgetRequests(rs -> false, Duration.ofSeconds(2)))
        .filteredOn(fr -> fr.modelId().equals("faces"))
        .hasSize(1);

    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("lethe_intake_requests_received_total{source=\"http\"}")
        .containsPattern("lethe_intake_requests_deduplicated_total\\{source=\"http\"} [1-9]")
        .contains("lethe_intake_unknown_subjects_total{source=\"http\"} 1.0")
        .contains("lethe_intake_forget_requests_emitted_total");
    assertThat(get("/health").statusCode()).isEqualTo(200);

    HttpResponse<String> unknown = get("/v1/requests/fr-unknown");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("content-type")).contains("application/problem+json");
    assertThat(get("/v1/deletions/never-sent").statusCode()).isEqualTo(404);
  }

  @Test
  void aKafkaBacklogForOneModelIsReadWhileTheWindowIsOpenAndCoalesced() throws Exception {
    int events = 3000;
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      for (int i = 0; i < events; i++) {
        String subject = i % 2 == 0 ? "\"s-1\"" : "\"s-2\"";
        producer.send(
            new ProducerRecord<>(
                IN, bytes("bl-" + i), bytes(event("evt-bl-" + i, "bl-" + i, subject, "c-bl"))));
      }
      producer.flush();
    }
    List<ForgetRequest> covering =
        forgetRequests(
            rs ->
                rs.stream()
                        .flatMap(fr -> fr.sourceEventIds().stream())
                        .filter(id -> id.startsWith("evt-bl-"))
                        .count()
                    >= events,
            Duration.ofSeconds(60));
    List<ForgetRequest> backlog =
        covering.stream()
            .filter(fr -> fr.sourceEventIds().stream().anyMatch(id -> id.startsWith("evt-bl-")))
            .toList();
    List<String> covered = backlog.stream().flatMap(fr -> fr.sourceEventIds().stream()).toList();
    assertThat(covered).hasSize(events).doesNotHaveDuplicates();
    // One request per window, not one per event: 3,000 events took a few windows at most.
    assertThat(backlog.size()).isLessThanOrEqualTo(5);
    awaitCommittedToEnd();
  }

  @Test
  void anInvalidPostIsA400ProblemNamingThePath() throws Exception {
    HttpResponse<String> response =
        post(
            """
            {"eventId": "evt-bad", "idempotencyKey": "key-bad",
             "occurredAt": "2026-01-01T00:00:00Z", "source": "crm", "subjectIds": []}
            """);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(400);
    assertThat(problem.path("violations").get(0).path("path").asText()).isEqualTo("$.subjectIds");
  }

  @Test
  void aPostNamingOnlySubjectsNoModelKnowsIsA422ProblemAndRemembersNothing() throws Exception {
    HttpResponse<String> response = post(event("evt-ghost", "key-ghost", "\"ghost-9\"", "c-g"));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("type").asText()).isEqualTo("https://lethe.dev/problems/unprocessable");
    assertThat(problem.path("violations").get(0).path("path").asText()).isEqualTo("$.subjectIds");
    assertThat(problem.path("detail").asText()).contains("ghost-9");
    // Not recorded as seen: once the subject is known, the same event is accepted.
    assertThat(post(event("evt-ghost", "key-ghost", "\"ghost-9\"", "c-g")).statusCode())
        .isEqualTo(422);
  }

  @Test
  void aDeletionWhoseJobFailedCanBeSubmittedAgainWithItsKey() throws Exception {
    assertThat(post(event("evt-f1", "key-f1", "\"e-1\"", "corr-f1")).statusCode()).isEqualTo(202);
    ForgetRequest first =
        forgetRequests(
                rs -> rs.stream().anyMatch(fr -> fr.sourceEventIds().contains("evt-f1")),
                Duration.ofSeconds(20))
            .stream()
            .filter(fr -> fr.sourceEventIds().contains("evt-f1"))
            .findFirst()
            .orElseThrow();
    awaitStatus("/v1/deletions/key-f1", "emitted");
    assertThat(post(event("evt-f1b", "key-f1", "\"e-1\"", "corr-f1")).statusCode())
        .as("a repeat while the request stands")
        .isEqualTo(200);

    // The worker gives up on it (a verdict, not an outage): the key is free again.
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      UnlearningResult failed =
          new UnlearningResult(
              first.requestId(),
              first.correlationId(),
              first.modelId(),
              first.baseVersion(),
              null,
              first.method(),
              UnlearningResult.Status.FAILED,
              null,
              1.5,
              "IllegalArgumentException: the forget set is too small",
              Instant.parse("2026-01-01T00:00:00Z"));
      producer
          .send(new ProducerRecord<>(RESULTS, bytes(first.modelId()), codec.encode(failed)))
          .get(30, TimeUnit.SECONDS);
    }
    JsonNode status = awaitStatus("/v1/deletions/key-f1", "failed");
    assertThat(status.path("requests").get(0).path("requestId").asText())
        .isEqualTo(first.requestId());
    assertThat(
            json.readTree(get("/v1/requests/" + first.requestId()).body()).path("error").asText())
        .isEqualTo("unlearning failed: IllegalArgumentException: the forget set is too small");

    HttpResponse<String> again = post(event("evt-f1c", "key-f1", "\"e-1\"", "corr-f1"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    List<ForgetRequest> both =
        forgetRequests(
            rs ->
                rs.stream().filter(fr -> fr.subjectIds().contains("e-1")).count() >= 2
                    && rs.stream().anyMatch(fr -> fr.sourceEventIds().contains("evt-f1c")),
            Duration.ofSeconds(20));
    ForgetRequest second =
        both.stream()
            .filter(fr -> fr.sourceEventIds().contains("evt-f1c"))
            .findFirst()
            .orElseThrow();
    assertThat(second.requestId()).isNotEqualTo(first.requestId());
  }

  @Test
  void hyperparametersBeyondTheOperatorsLimitsAreA422NamingTheRange() throws Exception {
    HttpResponse<String> response =
        post(
            """
            {"eventId": "evt-huge", "idempotencyKey": "key-huge", "occurredAt": "2026-01-01T00:00:00Z",
             "source": "crm", "subjectIds": ["s-1"], "method": "retrain",
             "hyperparameters": {"epochs": 2000000000}}
            """);

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("violations").get(0).path("path").asText())
        .isEqualTo("$.hyperparameters.epochs");
    assertThat(problem.path("violations").get(0).path("message").asText())
        .contains("must be in 1..100")
        .contains("LETHE_HYPERPARAMETER_LIMITS");
  }

  @Test
  void aBadKafkaRecordIsDeadLetteredWhileAGoodOneBecomesARequest() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      producer
          .send(new ProducerRecord<>(IN, bytes("k-bad"), bytes("{\"eventId\": \"evt-k0\"}")))
          .get(30, TimeUnit.SECONDS);
      producer
          .send(
              new ProducerRecord<>(
                  IN, bytes("key-k1"), bytes(event("evt-k1", "key-k1", "\"k-1\"", "corr-k"))))
          .get(30, TimeUnit.SECONDS);
      producer
          .send(
              new ProducerRecord<>(
                  IN,
                  bytes("key-k2"),
                  bytes(event("evt-k2", "key-k2", "\"nobody\", \"no-one\"", "corr-k2"))))
          .get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<byte[], byte[]>> dead =
        read(DLQ, rs -> rs.size() >= 2, Duration.ofSeconds(30));
    assertThat(dead).hasSize(2);
    // Valid, but naming only subjects no model was trained on: dead-lettered, not silently dropped.
    assertThat(new String(dead.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("key-k2");
    assertThat(
            new String(
                dead.get(1).headers().lastHeader(Headers.DLQ_REASON).value(),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "deletion-event.v1: 1 violation: $.subjectIds: no model was trained on subjects"
                + " no-one, nobody, and none of them was forgotten earlier: nothing to forget");
    assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k-bad");
    String reason =
        new String(
            dead.get(0).headers().lastHeader(Headers.DLQ_REASON).value(), StandardCharsets.UTF_8);
    assertThat(reason).contains("idempotencyKey");

    List<ForgetRequest> voices =
        forgetRequests(
            rs -> rs.stream().anyMatch(fr -> fr.modelId().equals("voices")),
            Duration.ofSeconds(30));
    ForgetRequest r =
        voices.stream().filter(fr -> fr.modelId().equals("voices")).findFirst().orElseThrow();
    assertThat(r.subjectIds()).containsExactly("k-1");
    assertThat(r.sourceEventIds()).containsExactly("evt-k1");
    assertThat(r.correlationId()).isEqualTo("corr-k");

    JsonNode status = json.readTree(get("/v1/requests/" + r.requestId()).body());
    assertThat(status.path("status").asText()).isEqualTo("emitted");
    assertThat(status.path("modelId").asText()).isEqualTo("voices");

    awaitCommittedToEnd();
    // The dead letters are counted as received and rejected, and by reason.
    assertThat(get("/metrics").body())
        .contains("lethe_intake_requests_rejected_total{source=\"kafka\"} 2.0")
        .contains("lethe_intake_dead_letters_total{reason=\"schema\",topic=\"" + IN + "\"} 1.0")
        .contains(
            "lethe_intake_dead_letters_total{reason=\"unprocessable\",topic=\"" + IN + "\"} 1.0")
        .contains("lethe_intake_consumer_lag_records{topic=\"" + IN + "\"}");
  }

  static String event(String eventId, String key, String subjects, String correlationId) {
    return """
        {"eventId": "%s", "idempotencyKey": "%s", "correlationId": "%s",
         "occurredAt": "2026-01-01T00:00:00Z", "source": "crm", "subjectIds": [%s]}
        """
        .formatted(eventId, key, correlationId, subjects);
  }

  static HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/v1/deletions"))
            .header("content-type", "application/json")
            .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.READ))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<ForgetRequest> forgetRequests(Predicate<List<ForgetRequest>> until, Duration max) {
    List<ForgetRequest> out = new ArrayList<>();
    read(
        OUT,
        rs -> {
          out.clear();
          rs.forEach(r -> out.add(codec.decode(r.value(), ForgetRequest.class)));
          return until.test(out);
        },
        max);
    return out;
  }

  /** Everything on partition 0 of {@code topic}, polled until {@code until} or {@code max}. */
  static List<ConsumerRecord<byte[], byte[]>> read(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration max) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (until.test(records)) {
          break;
        }
      }
    }
    return records;
  }

  /** Waits until the group committed every record of {@code IN} (nothing left uncovered). */
  static void awaitCommittedToEnd() throws Exception {
    long end;
    try (Admin admin = admin()) {
      TopicPartition tp = new TopicPartition(IN, 0);
      end =
          admin
              .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
              .partitionResult(tp)
              .get(30, TimeUnit.SECONDS)
              .offset();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (committed() < end && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(committed()).isEqualTo(end);
  }

  static JsonNode awaitStatus(String path, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get(path);
      if (r.statusCode() == 200) {
        last = json.readTree(r.body());
        if (status.equals(last.path("status").asText())) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never became " + status + "; last: " + last);
  }

  static long committed() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(GROUP)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(IN, 0));
      return o == null ? 0 : o.offset();
    }
  }

  static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  static KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
