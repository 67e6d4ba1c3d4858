package io.lethe.service.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Contract;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.infra.ServerEnvironment;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Stage} against a real broker: pool, output, commit and the error policy, end to end. */
class StageIT {
  private static final String EXAMPLE =
      """
      {"eventId": "evt-1", "idempotencyKey": "crm:erasure:1", "correlationId": "corr-1",
       "occurredAt": "2025-01-31T12:00:00.123Z", "source": "crm",
       "subjectIds": ["subject-17", "subject-42"], "method": "dlfd"}
      """;

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String in = "it.stage-in." + run;
  private final String out = "it.stage-out." + run;
  private final String dlq = "it.stage-dlq." + run;
  private final KafkaSettings settings = new KafkaSettings(bootstrap, "it-" + run, "it-" + run);
  private final Metrics metrics = new Metrics("worker");
  private Vertx vertx;
  private ContractProducer producer;
  private Stage<DeletionEvent, DeletionEvent> stage;

  @BeforeEach
  void setUp() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(in, 1, (short) 1),
                  new NewTopic(out, 1, (short) 1),
                  new NewTopic(dlq, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    vertx = Vertx.vertx();
    producer = new ContractProducer(vertx, settings, codec);
    await(producer.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (stage != null) {
      await(stage.stop());
    }
    await(producer.stop());
    await(vertx.close());
  }

  @Test
  void runsJobsOnItsPoolProducesTheirOutputAndAppliesTheErrorPolicy() throws Exception {
    for (String id : List.of("evt-1", "evt-flaky", "evt-skip", "evt-bug", "evt-5")) {
      await(producer.send(in, Contract.DELETION_EVENT, "k-" + id, event(id), "c-" + id));
    }
    List<String> threads = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<String> producedAt = new CopyOnWriteArrayList<>();
    AtomicInteger retries = new AtomicInteger();
    stage =
        new Stage<DeletionEvent, DeletionEvent>(
                vertx,
                settings,
                metrics,
                in,
                DeletionEvent.class,
                "it-stage-pool",
                2,
                delivery ->
                    new StageJob<>() {
                      final DeletionEvent e = delivery.value();

                      @Override
                      public Output<DeletionEvent> run() throws Exception {
                        threads.add(Thread.currentThread().getName());
                        int n =
                            runs.computeIfAbsent(e.eventId(), k -> new AtomicInteger())
                                .incrementAndGet();
                        switch (e.eventId()) {
                          case "evt-flaky" -> {
                            if (n <= 2) {
                              throw new IllegalStateException(new ConnectException("refused"));
                            }
                          }
                          case "evt-skip" -> throw new IllegalArgumentException("nothing to do");
                          case "evt-bug" -> throw new UnsupportedOperationException("a bug");
                          default -> {}
                        }
                        return new Output<>(
                            Contract.DELETION_EVENT, delivery.key(), e, "out-" + e.eventId());
                      }

                      @Override
                      public Output<DeletionEvent> failed(Throwable failure) throws Exception {
                        if (failure instanceof IllegalArgumentException) {
                          return null; // answered: nothing to produce, commit
                        }
                        return StageJob.super.failed(failure); // dead letter
                      }

                      @Override
                      public void produced(Output<DeletionEvent> output, Produced at) {
                        producedAt.add(at.topic() + "@" + at.offset());
                      }
                    })
            .optOutputTopic(out)
            .optRetry(
                new RetrySettings(
                    Duration.ofMillis(50), Duration.ofMillis(200), 0.5, Duration.ofMinutes(1)))
            .optRetryListener((d, attempt, failure, delay) -> retries.incrementAndGet())
            .optConsumer(c -> c.optDeadLetterTopic(dlq));
    await(stage.start());
    waitFor(() -> committed() == 5);

    List<ConsumerRecord<byte[], byte[]>> outputs = readAll(out, 3);
    assertThat(outputs)
        .extracting(r -> codec.decode(r.value(), DeletionEvent.class).eventId())
        .containsExactly("evt-1", "evt-flaky", "evt-5");
    assertThat(header(outputs.get(1), Headers.CORRELATION_ID)).isEqualTo("out-evt-flaky");
    assertThat(producedAt).containsExactly(out + "@0", out + "@1", out + "@2");
    assertThat(runs.get("evt-flaky")).hasValue(3);
    assertThat(runs.get("evt-skip")).hasValue(1);
    assertThat(runs.get("evt-bug")).hasValue(1);
    assertThat(retries).hasValue(2);
    assertThat(threads).allMatch(t -> t.startsWith("it-stage-pool"));
    ConsumerRecord<byte[], byte[]> dead = readAll(dlq, 1).get(0);
    assertThat(header(dead, Headers.DLQ_REASON)).contains("a bug");
    assertThat(stage.health().ready()).isTrue();
    assertThat(metrics.registry().scrape())
        .contains("lethe_worker_consumer_retries_total{topic=\"" + in + "\"} 2.0")
        .contains("lethe_worker_dead_letters_total{reason=\"failed\",topic=\"" + in + "\"} 1.0");
  }

  private DeletionEvent event(String id) {
    return codec.decode(
        EXAMPLE.replace("evt-1", id).getBytes(StandardCharsets.UTF_8), DeletionEvent.class);
  }

  private long committed() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(settings.groupId())
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(in, 0));
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
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (got.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      assertThat(got).hasSize(expected);
      return got;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(100);
    }
  }
}
