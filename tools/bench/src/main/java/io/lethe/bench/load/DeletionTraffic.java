package io.lethe.bench.load;

import io.lethe.api.DeletionEvent;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Deletion events as an upstream system sends them: over Kafka to {@code lethe.deletion-events} (a
 * plain {@code KafkaProducer}, {@code acks=all}) and over HTTP to the intake's {@code POST
 * /v1/deletions} (bearer token, one event per request, several clients at once). Each event names
 * one subject; its id says where it came from ({@code <phase>-<run>-<n>}).
 */
final class DeletionTraffic implements AutoCloseable {
  private final MessageCodec codec = new MessageCodec();
  private final String run;
  private final KafkaProducer<byte[], byte[]> producer;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI deletions;
  private final String token;

  /**
   * @param bootstrap the broker
   * @param intakeBase the intake's HTTP root, e.g. {@code http://127.0.0.1:8080}
   * @param token a bearer token with scope {@code submit}
   * @param run this run's id, part of every event id and idempotency key
   */
  DeletionTraffic(String bootstrap, String intakeBase, String token, String run) {
    this.run = Objects.requireNonNull(run, "run");
    this.token = Objects.requireNonNull(token, "token");
    this.deletions = URI.create(intakeBase + "/v1/deletions");
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
  }

  /** The id of event {@code n} of {@code phase}. */
  String eventId(String phase, int n) {
    return phase + "-" + run + "-" + n;
  }

  /** The contract's JSON for event {@code n} of {@code phase}, forgetting {@code subject}. */
  byte[] event(String phase, int n, String subject) {
    String id = eventId(phase, n);
    return codec.encode(
        new DeletionEvent(
            id,
            "idem-" + id,
            null,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            "lethe-bench-load",
            List.of(subject),
            null,
            null,
            null,
            null));
  }

  /**
   * Sends {@code payloads} to {@code topic} as fast as the producer takes them and waits for every
   * acknowledgement.
   *
   * @return seconds from the first send to the last acknowledgement
   */
  double produce(String topic, List<byte[]> payloads) {
    producer.partitionsFor(topic); // metadata first: not part of the timing
    long t0 = System.nanoTime();
    for (int i = 0; i < payloads.size(); i++) {
      producer.send(
          new ProducerRecord<>(
              topic, ("k-" + run + "-" + i).getBytes(StandardCharsets.UTF_8), payloads.get(i)));
    }
    producer.flush();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** One event to {@code lethe.deletion-events}, acknowledged before this returns. */
  void sendToKafka(byte[] payload, String key) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.DELETION_EVENTS, key.getBytes(StandardCharsets.UTF_8), payload))
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * One event posted to the intake.
   *
   * @throws IOException unless the intake answers 202 (accepted: on the topic)
   */
  void post(byte[] payload) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(deletions)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IOException("POST " + deletions + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * Posts {@code payloads} from {@code clients} threads at once, as fast as the intake answers.
   *
   * @return seconds from the first post to the last 202
   */
  double postAll(List<byte[]> payloads, int clients) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        all.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < payloads.size();
                      i = next.getAndIncrement()) {
                    post(payloads.get(i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get(10, TimeUnit.MINUTES);
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
