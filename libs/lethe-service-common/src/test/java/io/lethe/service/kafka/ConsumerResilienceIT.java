package io.lethe.service.kafka;

import static io.lethe.service.kafka.ContractKafkaIT.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.Contract;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.infra.ServerEnvironment;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.metrics.HttpEndpoint;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error policy of {@link ContractConsumer} against a real broker ({@link ServerEnvironment}):
 * nothing lost (transient failures are retried, not committed), nothing blocking (permanent
 * failures, spent budgets and oversized dead letters are dead-lettered and the partition moves on),
 * and {@code /health/live} and {@code /health/ready} telling the truth about it.
 */
class ConsumerResilienceIT {
  private static final String EXAMPLE =
      """
      {"eventId": "evt-1", "idempotencyKey": "crm:erasure:1", "correlationId": "corr-1",
       "occurredAt": "2025-01-31T12:00:00.123Z", "source": "crm",
       "subjectIds": ["subject-17", "subject-42"], "method": "dlfd"}
      """;

  /** Quick retries so a test sees several within seconds. */
  private static final RetrySettings QUICK =
      new RetrySettings(Duration.ofMillis(100), Duration.ofMillis(400), 0.5, Duration.ofMinutes(5));

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String topic = "it.resilience." + run;
  private final String deadLetters = "it.resilience-dlq." + run;
  private final KafkaSettings settings = new KafkaSettings(bootstrap, "it-" + run, "it-" + run);
  private final HttpClient http = HttpClient.newHttpClient();
  private final Metrics metrics = new Metrics("intake");
  private Vertx vertx;
  private ContractProducer producer;
  private ContractConsumer<DeletionEvent> consumer;
  private HttpEndpoint endpoint;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    producer = new ContractProducer(vertx, settings, codec);
    await(producer.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (consumer != null) {
      await(consumer.stop());
    }
    if (endpoint != null) {
      await(endpoint.stop());
    }
    await(producer.stop());
    await(vertx.close());
  }

  @Test
  void aPoisonRecordWhoseDeadLetterIsOverTheLimitIsDeadLetteredTruncatedAndTheRestIsHandled()
      throws Exception {
    createTopics(Map.of());
    // ~1 MB of non-JSON: fits the topic (1 MiB default), but with a 30 kB header its dead-letter
    // copy is over the consumer's 1,000,000-byte limit.
    byte[] poison = poison(990_000);
    produceRaw(poison, new byte[30_000]);
    sendValid("evt-2", "evt-3");

    List<String> handled = new CopyOnWriteArrayList<>();
    consumer = consumer(d -> handle(handled, d));
    await(consumer.start());
    waitFor(() -> committed() == 3);

    assertThat(handled).containsExactly("evt-2", "evt-3");
    assertTruncatedDeadLetter(poison, "not_json");
  }

  @Test
  void aDeadLetterTheBrokerRefusesAsTooLargeIsResentTruncatedAndTheRestIsHandled()
      throws Exception {
    // The dead-letter topic takes less than the source topic: the unchanged copy is refused.
    createTopics(Map.of("max.message.bytes", "200000"));
    byte[] poison = poison(900_000);
    produceRaw(poison, new byte[0]);
    sendValid("evt-2", "evt-3");

    List<String> handled = new CopyOnWriteArrayList<>();
    consumer = consumer(d -> handle(handled, d));
    await(consumer.start());
    waitFor(() -> committed() == 3);

    assertThat(handled).containsExactly("evt-2", "evt-3");
    assertTruncatedDeadLetter(poison, "not_json");
  }

  @Test
  void aTransientFailureIsRetriedUntilItSucceedsAndReadinessSaysSoMeanwhile() throws Exception {
    createTopics(Map.of());
    sendValid("evt-1", "evt-2");
    AtomicBoolean outage = new AtomicBoolean(true);
    List<String> attempts = new CopyOnWriteArrayList<>();
    List<Integer> retriesTold = new CopyOnWriteArrayList<>();
    consumer =
        consumer(
                d -> {
                  attempts.add(d.value().eventId());
                  if (outage.get()) {
                    // What the worker saw with S3 stopped: a wrapped ConnectException.
                    return Future.failedFuture(
                        new IllegalStateException(
                            "java.net.ConnectException: refused",
                            new ConnectException("Connection refused")));
                  }
                  return Future.succeededFuture();
                })
            .optTransientStreakLimit(Duration.ofSeconds(1))
            .optRetryListener((d, attempt, failure, delay) -> retriesTold.add(attempt));
    startEndpoint();
    await(consumer.start());

    waitFor(() -> get("/health/ready").statusCode() == 503);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(new JsonObject(ready.body()).getJsonObject("failing").encode())
        .contains("failing transiently")
        .contains("ConnectException");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(committed()).isZero(); // nothing lost: the failing record is not committed
    assertThat(attempts).allMatch("evt-1"::equals).hasSizeGreaterThan(3);

    outage.set(false);
    waitFor(() -> committed() == 2);
    waitFor(() -> get("/health/ready").statusCode() == 200);
    assertThat(get("/health").statusCode()).isEqualTo(200);

    assertThat(attempts.subList(attempts.size() - 2, attempts.size()))
        .containsExactly("evt-1", "evt-2");
    int retries = attempts.size() - 2; // every call of evt-1 but the first was a retry
    assertThat(retriesTold).hasSize(retries);
    assertThat(counter("consumer_retries")).isEqualTo(retries);
    assertThat(counter("consumer_give_ups")).isZero();
    assertThat(deadLetterCount()).isZero();
  }

  @Test
  void aPermanentFailureIsDeadLetteredAsFailedWithoutRetryAndTheNextRecordIsHandled()
      throws Exception {
    createTopics(Map.of());
    sendValid("evt-bug", "evt-2");
    List<String> handled = new CopyOnWriteArrayList<>();
    consumer =
        consumer(
            d -> {
              handled.add(d.value().eventId());
              return d.value().eventId().equals("evt-bug")
                  ? Future.failedFuture(new IllegalArgumentException("cannot parse subject"))
                  : Future.succeededFuture();
            });
    await(consumer.start());
    waitFor(() -> committed() == 2);

    assertThat(handled).containsExactly("evt-bug", "evt-2");
    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetters, 1).get(0);
    assertThat(header(dead, Headers.DLQ_REASON))
        .contains("handler failed permanently")
        .contains("cannot parse subject");
    assertThat(codec.decode(dead.value(), DeletionEvent.class).eventId()).isEqualTo("evt-bug");
    assertThat(deadLetterCount("failed")).isEqualTo(1.0);
    assertThat(counter("consumer_retries")).isZero();
  }

  @Test
  void aTransientFailureOutlastingTheRetryBudgetIsDeadLetteredAsGaveUp() throws Exception {
    createTopics(Map.of());
    sendValid("evt-1", "evt-2");
    List<String> handled = new CopyOnWriteArrayList<>();
    consumer =
        consumer(
                d -> {
                  handled.add(d.value().eventId());
                  return d.value().eventId().equals("evt-1")
                      ? Future.failedFuture(new java.util.concurrent.TimeoutException("S3 slow"))
                      : Future.succeededFuture();
                })
            .optRetry(
                new RetrySettings(
                    Duration.ofMillis(100), Duration.ofMillis(300), 0.5, Duration.ofSeconds(2)));
    await(consumer.start());
    waitFor(() -> committed() == 2);

    assertThat(handled).endsWith("evt-2").filteredOn("evt-1"::equals).hasSizeGreaterThan(2);
    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetters, 1).get(0);
    assertThat(header(dead, Headers.DLQ_REASON)).contains("still failing transiently");
    assertThat(deadLetterCount("gave_up")).isEqualTo(1.0);
    assertThat(counter("consumer_give_ups")).isEqualTo(1.0);
  }

  @Test
  void aHandlerThrowingAnErrorStopsTheConsumerAndLivenessFails() throws Exception {
    createTopics(Map.of());
    sendValid("evt-1", "evt-oom", "evt-3");
    List<String> handled = new CopyOnWriteArrayList<>();
    consumer =
        consumer(
            d -> {
              handled.add(d.value().eventId());
              if (d.value().eventId().equals("evt-oom")) {
                throw new OutOfMemoryError("simulated");
              }
              return Future.succeededFuture();
            });
    startEndpoint();
    await(consumer.start());

    waitFor(() -> get("/health/live").statusCode() == 503);
    assertThat(new JsonObject(get("/health/live").body()).getJsonObject("failing").encode())
        .contains("poll thread died")
        .contains("OutOfMemoryError");
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(consumer.health().live()).isFalse();
    assertThat(committed()).isEqualTo(1); // evt-1 is done; evt-oom is left for the next run
    assertThat(handled).containsExactly("evt-1", "evt-oom");
  }

  @Test
  void aConsumerWhoseClientCannotBeCreatedFailsToStartAndIsNotLive() throws Exception {
    KafkaSettings nowhere =
        new KafkaSettings("no-such-host.invalid:9092", "it-" + run, "it-" + run);
    consumer =
        new ContractConsumer<>(
                vertx,
                nowhere,
                codec,
                producer,
                topic,
                DeletionEvent.class,
                d -> Future.succeededFuture())
            .optStartTimeout(Duration.ofSeconds(30));
    assertThatThrownBy(() -> await(consumer.start())).rootCause().hasMessageContaining("bootstrap");
    assertThat(consumer.health().live()).isFalse();
    assertThat(consumer.health().notLive().values()).anyMatch(r -> r.contains("poll thread died"));
  }

  // ---------------------------------------------------------------------------------------------

  private Future<Void> handle(List<String> handled, Delivery<DeletionEvent> d) {
    handled.add(d.value().eventId());
    return Future.succeededFuture();
  }

  private ContractConsumer<DeletionEvent> consumer(
      Function<Delivery<DeletionEvent>, Future<Void>> handler) {
    return new ContractConsumer<>(
            vertx, settings, codec, producer, topic, DeletionEvent.class, handler)
        .optDeadLetterTopic(deadLetters)
        .optStartTimeout(Duration.ofSeconds(30))
        .optRetry(QUICK)
        .optMetrics(metrics);
  }

  private void startEndpoint() throws Exception {
    endpoint =
        new HttpEndpoint(vertx, HttpSettings.ephemeral(), metrics.registry())
            .optHealth("consumer", () -> consumer.health());
    await(endpoint.start());
  }

  private void createTopics(Map<String, String> deadLetterConfig) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1),
                  new NewTopic(deadLetters, 1, (short) 1).configs(deadLetterConfig)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] poison(int size) {
    byte[] b = new byte[size];
    new Random(17).nextBytes(b);
    b[0] = (byte) 0xff; // never JSON
    return b;
  }

  private void produceRaw(byte[] value, byte[] header) throws Exception {
    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2_000_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()))) {
      ProducerRecord<byte[], byte[]> r =
          new ProducerRecord<>(topic, "k-poison".getBytes(StandardCharsets.UTF_8), value);
      r.headers().add(Headers.CORRELATION_ID, "c-poison".getBytes(StandardCharsets.UTF_8));
      if (header.length > 0) {
        r.headers().add("x-attachment", header);
      }
      raw.send(r).get(30, TimeUnit.SECONDS);
    }
  }

  private void sendValid(String... ids) throws Exception {
    for (String id : ids) {
      await(producer.send(topic, Contract.DELETION_EVENT, "k-" + id, event(id), "c-" + id));
    }
  }

  private void assertTruncatedDeadLetter(byte[] poison, String reasonTag) {
    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetters, 1).get(0);
    assertThat(dead.value().length).isLessThan(4096);
    assertThat(dead.headers().lastHeader(DeadLetterWriter.TRUNCATED)).isNotNull();
    assertThat(header(dead, Headers.DLQ_SOURCE_TOPIC)).isEqualTo(topic);
    assertThat(header(dead, Headers.CORRELATION_ID)).isEqualTo("c-poison");
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("k-poison");
    JsonObject body = new JsonObject(new String(dead.value(), StandardCharsets.UTF_8));
    assertThat(body.getString("sha256")).isEqualTo(DeadLetterWriter.sha256(poison));
    assertThat(body.getInteger("originalValueBytes")).isEqualTo(poison.length);
    assertThat(body.getLong("offset")).isZero();
    assertThat(deadLetterCount(reasonTag)).isEqualTo(1.0);
  }

  private DeletionEvent event(String id) {
    return codec.decode(
        EXAMPLE.replace("evt-1", id).getBytes(StandardCharsets.UTF_8), DeletionEvent.class);
  }

  private double counter(String what) {
    return metrics.registry().get("lethe_intake_" + what).tags("topic", topic).counter().count();
  }

  private double deadLetterCount(String reason) {
    return metrics
        .registry()
        .get("lethe_intake_dead_letters")
        .tags("topic", topic, "reason", reason)
        .counter()
        .count();
  }

  private double deadLetterCount() {
    double total = 0;
    for (DeadLetterReason r : DeadLetterReason.values()) {
      total += deadLetterCount(r.tag());
    }
    return total;
  }

  private long committed() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(settings.groupId())
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
      return o == null ? 0 : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
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

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.actualPort() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static void waitFor(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(100);
    }
  }
}
