package io.lethe.bench.intake;

import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.infra.LocalKafka;
import io.lethe.intake.IntakeService;
import io.lethe.intake.IntakeSettings;
import io.lethe.intake.JsonModelCatalog;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.ApiTokens;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.auth.Scope;
import io.lethe.service.auth.TokenHash;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the intake takes deletion events, beside what the same broker takes from a raw producer
 * in the same run, and how many events become one forget request (the coalescing factor).
 *
 * <ol>
 *   <li><b>Raw producer:</b> {@code --events} deletion events (the intake's own payloads) sent by a
 *       plain {@code KafkaProducer} (acks=all) to a scratch topic: records/s from the first send to
 *       the flush.
 *   <li><b>Kafka backlog:</b> the same events sent to the intake's input topic <em>before</em> the
 *       intake starts; then the real {@link IntakeService} (in this JVM, JSON catalog, one model)
 *       is started and timed until it has read every event (events/s) and until its group has
 *       committed every offset (drain, which includes the last coalescing window).
 *   <li><b>HTTP:</b> {@code --http-clients} threads post {@code --http-events} new deletions to
 *       {@code POST /v1/deletions}; each 202 means the event is on the topic.
 * </ol>
 */
@Command(
    name = "intake",
    mixinStandardHelpOptions = true,
    description =
        "Intake throughput over Kafka (a backlog) and HTTP beside a raw producer on the same"
            + " broker, and the coalescing factor (events per forget request).")
public final class IntakeBenchmark implements Callable<Integer> {
  private static final String MODEL = "bench-model";
  private static final String SHA = "sha256:" + "b".repeat(64);

  @Option(names = "--events", description = "Events in the backlog (default ${DEFAULT-VALUE}).")
  int events = 100_000;

  @Option(names = "--http-events", description = "Events posted over HTTP (${DEFAULT-VALUE}).")
  int httpEvents = 20_000;

  @Option(names = "--http-clients", description = "Concurrent HTTP clients (${DEFAULT-VALUE}).")
  int httpClients = 16;

  @Option(names = "--subjects", description = "Subjects of the one model (${DEFAULT-VALUE}).")
  int subjects = 1_000;

  /** The bench's own submit token, fresh per run (the intake accepts only its hash). */
  private final String token = TokenHash.newToken();

  @Option(
      names = "--window",
      description = "Coalescing window, ISO-8601 (default ${DEFAULT-VALUE}: the intake's default).")
  Duration window = IntakeSettings.DEFAULT_WINDOW;

  @Option(
      names = "--bootstrap",
      description = "An existing broker; default: a local one started under --dir.")
  String bootstrap;

  @Option(names = "--dir", description = "Scratch folder (default ${DEFAULT-VALUE}).")
  Path dir = Path.of("target", "intake-bench");

  @Option(names = "--out", description = "Also write the table to this Markdown file.")
  Path out;

  private final MessageCodec codec = new MessageCodec();

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dir);
    LocalKafka kafka = null;
    if (bootstrap == null) {
      kafka = LocalKafka.builder(dir.resolve("kafka-" + UUID.randomUUID())).build().start();
      bootstrap = kafka.bootstrapServers();
    }
    try {
      return run();
    } finally {
      if (kafka != null) {
        kafka.stop();
      }
    }
  }

  private int run() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String raw = "bench.raw." + run;
    String in = "bench.in." + run;
    String forget = "bench.out." + run;
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String t : List.of(raw, in, forget, "bench.dlq." + run)) {
        topics.add(new NewTopic(t, 1, (short) 1));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
    List<byte[]> payloads = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      payloads.add(event("k-" + run + "-" + i, i));
    }
    System.err.printf(
        Locale.ROOT, "intake bench: %,d events, window %s, broker %s%n", events, window, bootstrap);

    double rawRate = produce(raw, payloads, run);
    System.err.printf(Locale.ROOT, "raw producer: %,.0f records/s%n", rawRate);
    produce(in, payloads, run);

    Path catalog = dir.resolve("catalog-" + run + ".json");
    Files.writeString(catalog, catalogJson());
    Metrics metrics = new Metrics("intake");
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "bench-intake-" + run, "bench-intake-" + run),
            HttpSettings.ephemeral(),
            window,
            catalog,
            AuthSettings.of(
                ApiTokens.parse(
                    ApiTokens.line("bench", EnumSet.of(Scope.SUBMIT), token), "bench token")));
    Vertx vertx = Vertx.vertx();
    IntakeService[] service = new IntakeService[1];
    try {
      long t0 = System.nanoTime();
      vertx
          .deployVerticle(
              new ComponentVerticle(
                  v -> {
                    service[0] =
                        new IntakeService(v, settings, JsonModelCatalog.load(catalog), metrics)
                            .optTopics(in, forget, "bench.dlq." + run)
                            .optLedgerTopic("bench.ledger." + run);
                    return service[0];
                  }))
          .toCompletionStage()
          .toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      double firstSeconds = awaitReceived(metrics, 1, t0);
      double readSeconds = awaitReceived(metrics, events, t0);
      double drainSeconds = awaitCommitted(in, "bench-intake-" + run, t0);
      int kafkaRequests = requestsCovering(forget, "e-", events);
      // From the first event read to the last: the rate on the backlog, without start-up (joining
      // the group, reading the ledger), which a running intake does not pay.
      double kafkaRate = (events - 1) / (readSeconds - firstSeconds);
      System.err.printf(
          Locale.ROOT,
          "intake over Kafka: first event read %.2f s after the start, all %,d read after %.2f s"
              + " (%,.0f events/s on the backlog), all committed after %.2f s, %d forget"
              + " request(s)%n",
          firstSeconds,
          events,
          readSeconds,
          kafkaRate,
          drainSeconds,
          kafkaRequests);

      String base = "http://127.0.0.1:" + service[0].httpPort();
      long h0 = System.nanoTime();
      int posted = postAll(base, run);
      double httpSeconds = (System.nanoTime() - h0) / 1e9;
      int httpRequests = requestsCovering(forget, "h-", posted);
      double httpRate = posted / httpSeconds;
      System.err.printf(
          Locale.ROOT,
          "intake over HTTP: %,d accepted (202) in %.2f s (%,.0f requests/s), %d forget"
              + " request(s)%n",
          posted,
          httpSeconds,
          httpRate,
          httpRequests);

      String table =
          String.format(
              Locale.ROOT,
              """
              | Path | Events | Events/s | × raw producer | Forget requests | Events per request |
              |---|---:|---:|---:|---:|---:|
              | Raw producer (acks=all), same broker | %,d | %,.0f | 1.00 | | |
              | Intake over Kafka (backlog; read) | %,d | %,.0f | %.2f | %d | %,.0f |
              | Intake over HTTP (%d clients; 202 = on the topic) | %,d | %,.0f | %.2f | %d | %,.0f |

              Window %s; one model, %,d subjects, one subject per event. Over Kafka, events/s is \
              from the first event read to the last (start-up took %.2f s); the whole backlog was \
              committed %.2f s after the start (%,.0f events/s including start-up and the last \
              window).
              """,
              events,
              rawRate,
              events,
              kafkaRate,
              kafkaRate / rawRate,
              kafkaRequests,
              events / (double) kafkaRequests,
              httpClients,
              posted,
              httpRate,
              httpRate / rawRate,
              httpRequests,
              posted / (double) Math.max(1, httpRequests),
              window,
              subjects,
              firstSeconds,
              drainSeconds,
              events / drainSeconds);
      System.out.print(table);
      if (out != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table);
      }
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private byte[] event(String key, int i) {
    return ("{\"eventId\":\"e-"
            + i
            + "\",\"idempotencyKey\":\""
            + key
            + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"source\":\"bench\",\"subjectIds\":[\"s-"
            + (i % subjects)
            + "\"]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private String catalogJson() {
    StringBuilder b = new StringBuilder();
    b.append("{\"models\": {\"")
        .append(MODEL)
        .append("\": {\"baseVersion\": 1, \"datasetId\": \"d\"}}, \"datasets\": {\"d\": {")
        .append("\"version\": \"")
        .append(SHA)
        .append("\", \"subjects\": {");
    for (int s = 0; s < subjects; s++) {
      b.append(s == 0 ? "" : ",").append("\"s-").append(s).append("\": [\"d/").append(s);
      b.append(".png\"]");
    }
    return b.append("}}}}").toString();
  }

  /** Sends every payload with a plain producer; returns records/s from first send to flush. */
  private double produce(String topic, List<byte[]> payloads, String run) {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.partitionsFor(topic);
      long t0 = System.nanoTime();
      for (int i = 0; i < payloads.size(); i++) {
        producer.send(
            new ProducerRecord<>(
                topic, ("k-" + run + "-" + i).getBytes(StandardCharsets.UTF_8), payloads.get(i)));
      }
      producer.flush();
      return payloads.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private double awaitReceived(Metrics metrics, int n, long t0) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (metrics.counter("requests_received", "source", "kafka").count() >= n) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the intake did not read " + n + " events in 10 minutes");
  }

  private double awaitCommitted(String topic, String group, long t0) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (Admin admin = admin()) {
      long end =
          admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
      while (System.nanoTime() < deadline) {
        OffsetAndMetadata c =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        if (c != null && c.offset() >= end) {
          return (System.nanoTime() - t0) / 1e9;
        }
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("the intake did not commit " + topic + " in 10 minutes");
  }

  /** Waits until requests on {@code topic} cover {@code n} events with ids starting {@code p}. */
  private int requestsCovering(String topic, String prefix, int n) {
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            MessageCodec.MAX_BYTES + 65536);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Set<String> covered = new HashSet<>();
      int requests = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (covered.size() < n && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          ForgetRequest fr = codec.decode(r.value(), ForgetRequest.class);
          if (fr.sourceEventIds().stream().anyMatch(id -> id.startsWith(prefix))) {
            requests++;
            fr.sourceEventIds().stream().filter(id -> id.startsWith(prefix)).forEach(covered::add);
          }
        }
      }
      if (covered.size() < n) {
        throw new IllegalStateException("only " + covered.size() + " of " + n + " were covered");
      }
      return requests;
    }
  }

  private int postAll(String base, String run) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(httpClients);
    List<java.util.concurrent.Future<?>> all = new ArrayList<>();
    for (int c = 0; c < httpClients; c++) {
      all.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < httpEvents; i = next.getAndIncrement()) {
                  String body =
                      "{\"eventId\":\"h-"
                          + i
                          + "\",\"idempotencyKey\":\"h-"
                          + run
                          + "-"
                          + i
                          + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"source\":\"bench\","
                          + "\"subjectIds\":[\"s-"
                          + (i % subjects)
                          + "\"]}";
                  HttpResponse<Void> r =
                      http.send(
                          HttpRequest.newBuilder(URI.create(base + "/v1/deletions"))
                              .header("content-type", "application/json")
                              .header("Authorization", "Bearer " + token)
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.discarding());
                  if (r.statusCode() != 202) {
                    throw new IllegalStateException("POST answered " + r.statusCode());
                  }
                  accepted.incrementAndGet();
                }
                return null;
              }));
    }
    for (var f : all) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    return accepted.get();
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
