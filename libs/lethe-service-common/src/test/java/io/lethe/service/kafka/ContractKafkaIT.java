package io.lethe.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.infra.ServerEnvironment;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real broker ({@link ServerEnvironment}); every test has its own topics and group. */
class ContractKafkaIT {
  private static final String EXAMPLE =
      """
      {"eventId": "evt-1", "idempotencyKey": "crm:erasure:1", "correlationId": "corr-1",
       "occurredAt": "2025-01-31T12:00:00.123Z", "source": "crm",
       "subjectIds": ["subject-17", "subject-42"], "method": "dlfd"}
      """;

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String topic = "it.events." + run;
  private final String deadLetters = "it.dead-letters." + run;
  private final KafkaSettings settings = new KafkaSettings(bootstrap, "it-" + run, "it-" + run);
  private Vertx vertx;
  private ContractProducer producer;

  @BeforeEach
  void setUp() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(deadLetters, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    vertx = Vertx.vertx();
    producer = new ContractProducer(vertx, settings, codec);
    await(producer.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(producer.stop());
    await(vertx.close());
  }

  @Test
  void validRecordsRoundTripWithHeaders() throws Exception {
    DeletionEvent event = event("evt-1");
    RecordMetadata md =
        await(producer.send(topic, Contract.DELETION_EVENT, "k-1", event, "corr-1"));
    assertThat(md.topic()).isEqualTo(topic);

    List<Delivery<DeletionEvent>> got = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> consumer =
        consumer(
            d -> {
              got.add(d);
              return Future.succeededFuture();
            });
    await(consumer.start());
    waitFor(() -> got.size() == 1);
    await(consumer.stop());

    Delivery<DeletionEvent> d = got.get(0);
    assertThat(d.value()).isEqualTo(event);
    assertThat(d.key()).isEqualTo("k-1");
    assertThat(d.correlationId()).contains("corr-1");
    ConsumerRecord<byte[], byte[]> raw = readAll(topic, 1).get(0);
    assertThat(header(raw, Headers.SCHEMA)).isEqualTo("deletion-event.v1");
    assertThat(header(raw, Headers.CORRELATION_ID)).isEqualTo("corr-1");
    assertThat(committed(topic)).isEqualTo(1);
  }

  @Test
  void anInvalidRecordIsNotSent() {
    DeletionEvent bad =
        new DeletionEvent(
            "evt-x", "k", null, event("e").occurredAt(), "crm", List.of(), null, null, null, null);
    assertThatThrownBy(() -> await(producer.send(topic, Contract.DELETION_EVENT, "k", bad, "c")))
        .isInstanceOf(ContractViolation.class);
  }

  @Test
  void anInvalidRecordGoesToTheDeadLetterTopicBetweenValidOnes() throws Exception {
    await(producer.send(topic, Contract.DELETION_EVENT, "k-1", event("evt-1"), "c-1"));
    byte[] invalid = "{\"eventId\": \"evt-2\"}".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      ProducerRecord<byte[], byte[]> r =
          new ProducerRecord<>(topic, "k-2".getBytes(StandardCharsets.UTF_8), invalid);
      r.headers().add(Headers.CORRELATION_ID, "c-2".getBytes(StandardCharsets.UTF_8));
      raw.send(r).get(30, TimeUnit.SECONDS);
    }
    await(producer.send(topic, Contract.DELETION_EVENT, "k-3", event("evt-3"), "c-3"));

    List<String> handled = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> consumer =
        consumer(
            d -> {
              handled.add(d.value().eventId());
              return Future.succeededFuture();
            });
    await(consumer.start());
    waitFor(() -> handled.size() == 2);
    waitFor(() -> committed(topic) == 3);
    await(consumer.stop());

    assertThat(handled).containsExactly("evt-1", "evt-3");
    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetters, 1).get(0);
    assertThat(dead.value()).isEqualTo(invalid);
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("k-2");
    assertThat(header(dead, Headers.DLQ_SOURCE_TOPIC)).isEqualTo(topic);
    assertThat(header(dead, Headers.DLQ_REASON)).startsWith("deletion-event.v1: ");
    assertThat(header(dead, Headers.CORRELATION_ID)).isEqualTo("c-2");
  }

  @Test
  void deadLettersAreCountedPerReasonAndToldToTheListenerOnceAcked() throws Exception {
    try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(topic, bytes("{\"eventId\": \"evt-2\"}")))
          .get(30, TimeUnit.SECONDS);
      raw.send(new ProducerRecord<>(topic, bytes("{not json"))).get(30, TimeUnit.SECONDS);
    }
    await(producer.send(topic, Contract.DELETION_EVENT, "k-3", event("evt-3"), "c-3"));

    Metrics metrics = new Metrics("intake");
    List<String> told = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> consumer =
        consumer(d -> Future.succeededFuture())
            .optMetrics(metrics)
            .optDeadLetterListener(
                (source, reason, violation) -> told.add(source + " " + reason.tag()));
    await(consumer.start());
    waitFor(() -> committed(topic) == 3);
    await(consumer.stop());

    assertThat(told).containsExactly(topic + " schema", topic + " not_json");
    assertThat(deadLetterCount(metrics, "schema")).isEqualTo(1.0);
    assertThat(deadLetterCount(metrics, "not_json")).isEqualTo(1.0);
    assertThat(deadLetterCount(metrics, "empty")).isZero();
    assertThat(metrics.registry().scrape())
        .contains("lethe_intake_dead_letters_total{reason=\"schema\",topic=\"" + topic + "\"} 1.0")
        .contains("lethe_intake_consumer_lag_records{topic=\"" + topic + "\"}");
  }

  @Test
  void aRecordItsHandlerCannotProcessIsDeadLetteredWithTheHandlersReasonAndNotRetried()
      throws Exception {
    await(producer.send(topic, Contract.DELETION_EVENT, "k-1", event("evt-1"), "c-1"));
    await(producer.send(topic, Contract.DELETION_EVENT, "k-2", event("evt-ghost"), "c-2"));
    await(producer.send(topic, Contract.DELETION_EVENT, "k-3", event("evt-3"), "c-3"));

    Metrics metrics = new Metrics("intake");
    List<String> handled = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> consumer =
        consumer(
                d -> {
                  handled.add(d.value().eventId());
                  if (d.value().eventId().equals("evt-ghost")) {
                    return Future.failedFuture(
                        new UnprocessableRecord(
                            Contract.DELETION_EVENT,
                            List.of(
                                new io.lethe.api.Violation(
                                    "$.subjectIds", "no model was trained on subject-17"))));
                  }
                  return Future.succeededFuture();
                })
            .optMetrics(metrics);
    await(consumer.start());
    waitFor(() -> committed(topic) == 3);
    await(consumer.stop());

    // Handled once each: the unprocessable record is not retried, and does not block evt-3.
    assertThat(handled).containsExactly("evt-1", "evt-ghost", "evt-3");
    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetters, 1).get(0);
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("k-2");
    assertThat(header(dead, Headers.DLQ_REASON))
        .isEqualTo(
            "deletion-event.v1: 1 violation: $.subjectIds: no model was trained on subject-17");
    assertThat(header(dead, Headers.DLQ_SOURCE_TOPIC)).isEqualTo(topic);
    assertThat(header(dead, Headers.CORRELATION_ID)).isEqualTo("c-2");
    assertThat(deadLetterCount(metrics, "unprocessable")).isEqualTo(1.0);
  }

  @Test
  void aRecordWhoseOutputMeetsAStoppedProducerIsHandledAgainAfterTheRestartNotDeadLettered()
      throws Exception {
    await(producer.send(topic, Contract.DELETION_EVENT, "k-1", event("evt-1"), "c-1"));
    // The stage's own producer, stopped by the shutdown while the record's job still runs.
    ContractProducer output = new ContractProducer(vertx, settings, codec);
    await(output.start());
    Promise<Void> release = Promise.promise();
    List<String> handled = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> first =
        consumer(
            d -> {
              handled.add(d.value().eventId());
              return release
                  .future()
                  .compose(
                      v ->
                          output.send(topic + ".out", Contract.DELETION_EVENT, "k", d.value(), "c"))
                  .mapEmpty();
            });
    await(first.start());
    waitFor(() -> handled.size() == 1);
    // Vert.x closing under a running job: the producer goes while the consumer still owns the
    // partition.
    await(output.stop());
    vertx.runOnContext(v -> release.tryComplete());

    // Not a verdict on the record: no dead letter, no commit; the next start handles it again.
    assertThat(readWithin(deadLetters, Duration.ofSeconds(3))).isEmpty();
    assertThat(committed(topic)).isZero();
    await(first.stop());
    ContractConsumer<DeletionEvent> second =
        consumer(
            d -> {
              handled.add(d.value().eventId());
              return Future.succeededFuture();
            });
    await(second.start());
    waitFor(() -> committed(topic) == 1);
    await(second.stop());
    assertThat(handled).containsExactly("evt-1", "evt-1");
  }

  @Test
  void consumerLagCountsRecordsNotYetCommittedAndFallsToZeroOnceHandled() throws Exception {
    for (int i = 0; i < 3; i++) {
      await(producer.send(topic, Contract.DELETION_EVENT, "k-" + i, event("evt-" + i), "c-" + i));
    }
    Metrics metrics = new Metrics("worker");
    Promise<Void> release = Promise.promise();
    ContractConsumer<DeletionEvent> consumer =
        consumer(d -> release.future()).optMetrics(metrics).optLagInterval(Duration.ofMillis(100));
    await(consumer.start());
    // The first record's handler is still running: nothing is committed, all three are lag.
    waitFor(() -> lagGauge(metrics) == 3.0);
    assertThat(consumer.lag()).isEqualTo(3);
    vertx.runOnContext(v -> release.tryComplete());
    waitFor(() -> committed(topic) == 3);
    waitFor(() -> lagGauge(metrics) == 0.0);
    await(consumer.stop());
  }

  private double deadLetterCount(Metrics metrics, String reason) {
    return metrics
        .registry()
        .get("lethe_intake_dead_letters")
        .tags("topic", topic, "reason", reason)
        .counter()
        .count();
  }

  private double lagGauge(Metrics metrics) {
    return metrics
        .registry()
        .get("lethe_worker_consumer_lag_records")
        .tags("topic", topic)
        .gauge()
        .value();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aHandlerLongerThanMaxPollIntervalKeepsTheConsumerInTheGroupWithoutRedelivery()
      throws Exception {
    await(producer.send(topic, Contract.DELETION_EVENT, "k-1", event("slow"), "c-1"));
    List<String> handled = new CopyOnWriteArrayList<>();
    ContractConsumer<DeletionEvent> consumer =
        consumer(
                d -> {
                  handled.add(d.value().eventId());
                  // 14 s > max.poll.interval.ms (10 s): a consumer that stopped polling is evicted.
                  return d.value().eventId().equals("slow")
                      ? vertx.timer(14, TimeUnit.SECONDS).mapEmpty()
                      : Future.succeededFuture();
                })
            .optProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 10_000)
            .optProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    await(consumer.start());
    waitFor(() -> committed(topic) == 1, Duration.ofSeconds(40));
    await(producer.send(topic, Contract.DELETION_EVENT, "k-2", event("fast"), "c-2"));
    waitFor(() -> committed(topic) == 2);
    Thread.sleep(1000);
    await(consumer.stop());

    assertThat(handled).containsExactly("slow", "fast");
  }

  private ContractConsumer<DeletionEvent> consumer(
      java.util.function.Function<Delivery<DeletionEvent>, Future<Void>> handler) {
    return new ContractConsumer<>(
            vertx, settings, codec, producer, topic, DeletionEvent.class, handler)
        .optDeadLetterTopic(deadLetters)
        .optStartTimeout(Duration.ofSeconds(30));
  }

  private DeletionEvent event(String id) {
    return codec.decode(
        EXAMPLE.replace("evt-1", id).getBytes(StandardCharsets.UTF_8), DeletionEvent.class);
  }

  private long committed(String t) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(settings.groupId())
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(t, 0));
      return o == null ? 0 : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readWithin(String t, Duration time) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(t, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + time.toNanos();
      while (System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String t, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(t, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      assertThat(out).hasSize(expected);
      return out;
    }
  }

  private KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    waitFor(condition, Duration.ofSeconds(30));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
