package io.lethe.intake;

import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what {@link MalformedInputIT}'s intake wrote: forget requests, dead letters, offsets. */
final class MalformedTopics {
  /** The forget requests and the dead letters read so far. */
  record Seen(List<ForgetRequest> requests, List<ConsumerRecord<byte[], byte[]>> deadLetters) {}

  /** How long the poison record's dead letter is awaited once every other outcome is seen. */
  static final Duration POISON_GRACE = Duration.ofSeconds(15);

  private final String bootstrap;
  private final MessageCodec codec = new MessageCodec();

  MalformedTopics(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /**
   * Reads the output and dead-letter topics (one partition each) until every accepted event is
   * covered for each of its models and every expected dead letter (and the poison one) is there, or
   * {@code max} passed.
   */
  Seen awaitOutcomes(
      String out,
      String dlq,
      MalformedInputIT.Expectations expected,
      String poisonId,
      Duration max) {
    Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
    Map<String, Set<String>> covered = new HashMap<>();
    Set<String> lettered = new java.util.HashSet<>();
    long[] restSeenAt = {0};
    long started = System.nanoTime();
    read(
        out,
        dlq,
        r -> {
          if (r.topic().equals(out)) {
            ForgetRequest fr = codec.decode(r.value(), ForgetRequest.class);
            seen.requests().add(fr);
            fr.sourceEventIds()
                .forEach(
                    id ->
                        covered
                            .computeIfAbsent(id, k -> new java.util.TreeSet<>())
                            .add(fr.modelId()));
          } else {
            seen.deadLetters().add(r);
            String input = MalformedInputIT.header(r, MalformedRequests.INPUT_HEADER);
            if (input != null) {
              lettered.add(input);
            }
            if (r.headers().lastHeader("lethe-dlq-truncated") != null) {
              lettered.add(poisonId);
            }
          }
        },
        () -> {
          boolean rest =
              lettered.containsAll(expected.deadLetters)
                  && expected.accepted.entrySet().stream()
                      .allMatch(
                          e ->
                              covered.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
          if (rest && restSeenAt[0] == 0) {
            restSeenAt[0] = System.nanoTime();
          }
          // Everything else is there: the poison record gets POISON_GRACE more, not all of max.
          return rest
              && (lettered.contains(poisonId)
                  || System.nanoTime() - restSeenAt[0] > POISON_GRACE.toNanos());
        },
        false,
        System.nanoTime() + max.toNanos());
    long missingLetters =
        expected.deadLetters.stream().filter(id -> !lettered.contains(id)).count();
    long uncovered =
        expected.accepted.entrySet().stream()
            .filter(e -> !covered.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()))
            .count();
    System.out.printf(
        "MalformedInputIT: outcomes read for %.1f s; all but the poison record's seen after %s;"
            + " dead letters missing %d, accepted events not covered %d, poison dead letter %s%n",
        (System.nanoTime() - started) / 1e9,
        restSeenAt[0] == 0 ? "never" : "%.1f s".formatted((restSeenAt[0] - started) / 1e9),
        missingLetters,
        uncovered,
        lettered.contains(poisonId) ? "seen" : "missing");
    return seen;
  }

  /** Everything on the two topics up to their current end. */
  Seen readToEnd(String out, String dlq) {
    Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
    read(
        out,
        dlq,
        r -> {
          if (r.topic().equals(out)) {
            seen.requests().add(codec.decode(r.value(), ForgetRequest.class));
          } else {
            seen.deadLetters().add(r);
          }
        },
        () -> false,
        true,
        System.nanoTime() + Duration.ofSeconds(60).toNanos());
    return seen;
  }

  /**
   * Reads partition 0 of both topics from the beginning, handing each record to {@code each}, until
   * {@code done}, or (if {@code toEnd}) the end offsets taken at the start, or the deadline.
   */
  private void read(
      String a,
      String b,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each,
      java.util.function.BooleanSupplier done,
      boolean toEnd,
      long deadline) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                4 << 20,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      List<TopicPartition> tps = List.of(new TopicPartition(a, 0), new TopicPartition(b, 0));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(each);
        if (done.getAsBoolean()) {
          return;
        }
        if (toEnd && tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
          return;
        }
      }
    }
  }

  /**
   * Waits until {@code group} committed every partition of {@code topic} to its end, or {@code
   * max}: per partition, {committed, end}.
   */
  Map<TopicPartition, long[]> awaitCommitted(String topic, String group, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, long[]> result =
            new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        ends.forEach(
            (tp, end) -> {
              OffsetAndMetadata c = committed.get(tp);
              result.put(tp, new long[] {c == null ? 0 : c.offset(), end});
            });
        if (result.values().stream().allMatch(o -> o[0] >= o[1]) || System.nanoTime() > deadline) {
          return result;
        }
        Thread.sleep(200);
      }
    }
  }
}
