package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.infra.ServerEnvironment;
import io.lethe.intake.MalformedInputs.Kind;
import io.lethe.intake.MalformedRequests.HttpInput;
import io.lethe.intake.MalformedRequests.KafkaInput;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;

/**
 * Issue 19, "malformed input": 10,000+ generated inputs, valid ones interleaved, on the intake's
 * HTTP API and on its input topic, against a real broker ({@link ServerEnvironment}): every bad one
 * gets a 4xx or a dead letter with a reason, every valid one is processed exactly once, nothing
 * restarts and no partition stalls, including a ~1 MB record the input topic takes but the
 * dead-letter topic (256 KiB here) does not.
 *
 * <p>The inputs come from jqwik generators ({@link MalformedInputs}, {@link MalformedRequests})
 * driven by one seed, printed first; {@code -Dlethe.malformed.seed=<n>} replays a run. It is a
 * jqwik {@link Example} rather than a {@code @Property}: the system under test is stateful and
 * shared, so the inputs are generated once and sent concurrently, and shrinking (which would
 * re-send) is of no use; the generators need a jqwik thread, which the example provides.
 */
class MalformedInputIT {
  static final int HTTP_INPUTS = Integer.getInteger("lethe.malformed.http", 5_000);
  static final int KAFKA_INPUTS = Integer.getInteger("lethe.malformed.kafka", 5_000);
  static final int HTTP_CONCURRENCY = 12;
  static final int POISON_BYTES = 1_000_000;
  static final int DLQ_MAX_BYTES = 256 * 1024;
  static final Duration WINDOW = Duration.ofMillis(500);

  /** Where Vert.x's BodyHandler stores multipart uploads by default (relative to the CWD). */
  static final Path UPLOADS = Path.of("file-uploads");

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String in = "it.malformed.in." + run;
  final String out = "it.malformed.out." + run;
  final String dlq = "it.malformed.dlq." + run;
  final String ledger = "it.malformed.ledger." + run;
  final String group = "it-malformed-" + run;
  final ObjectMapper json = MessageCodec.newObjectMapper();
  final MessageCodec codec = new MessageCodec();
  final MalformedReport report = new MalformedReport();
  String bootstrap;

  @Example
  void everyBadInputIsRejectedWithAReasonAndEveryValidOneIsProcessedOnce() throws Exception {
    long seed = Long.getLong("lethe.malformed.seed", new Random().nextLong());
    System.out.printf("MalformedInputIT seed=%d (replay: -Dlethe.malformed.seed=%d)%n", seed, seed);
    Random random = new Random(seed);
    List<HttpInput> httpInputs =
        generate(
            new MalformedRequests(new MalformedInputs(1 << 20)).http(), HTTP_INPUTS, "h", random);
    List<KafkaInput> kafkaInputs =
        generate(
            new MalformedRequests(new MalformedInputs(MalformedInputs.MAX_KAFKA_BYTES)).kafka(),
            KAFKA_INPUTS,
            "k",
            random);
    KafkaInput poison = poison(random);
    // Two bodies over the 8 MiB limit: 413 (the codec's MAX_BYTES is also the HTTP body limit).
    httpInputs.add(tooLarge("h-big-1", MessageCodec.MAX_BYTES + 1));
    httpInputs.add(tooLarge("h-big-2", 9 * 1024 * 1024));
    httpInputs.addAll(unauthenticated());

    bootstrap = ServerEnvironment.kafkaBootstrapServers();
    createTopics();
    Path catalog = Files.createTempDirectory("malformed").resolve("catalog.json");
    Files.writeString(catalog, MalformedInputs.CATALOG);
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "it-malformed-" + run, group),
            HttpSettings.ephemeral(),
            WINDOW,
            catalog,
            AuthSettings.fromEnv(TestTokens.env()));
    Vertx vertx = Vertx.vertx();
    IntakeService[] service = new IntakeService[1];
    try {
      await(
          vertx.deployVerticle(
              new ComponentVerticle(
                  v ->
                      service[0] =
                          new IntakeService(
                                  v,
                                  settings,
                                  JsonModelCatalog.load(catalog),
                                  new Metrics("intake"))
                              .optTopics(in, out, dlq)
                              .optLedgerTopic(ledger))));
      IntakeService started = service[0];
      String base = "http://127.0.0.1:" + started.httpPort();
      Thread consumerThread = consumerThread();
      long t0 = System.nanoTime();

      long uploadsBefore = files(UPLOADS);
      Map<String, RecordMetadata> sent = produce(kafkaInputs, poison);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      Map<String, HttpResponse<String>> answers = send(http, base, httpInputs);
      report.phase("sent", t0);
      long uploadsLeft = files(UPLOADS) - uploadsBefore;
      report.count("files left in " + UPLOADS.toAbsolutePath(), uploadsLeft);
      if (uploadsLeft > 0) {
        report.violation(
            "multipart uploads written to disk and kept",
            uploadsLeft + " new files in " + UPLOADS.toAbsolutePath());
      }

      Expectations expected = new Expectations();
      MalformedVerdicts verdicts = new MalformedVerdicts(report, json);
      for (HttpInput input : httpInputs) {
        verdicts.http(input, answers.get(input.id()), expected);
      }
      for (KafkaInput input : kafkaInputs) {
        if (input.body().kind() == Kind.VALID) {
          expected.accepted.put(input.body().eventId(), input.body().models());
        } else {
          expected.deadLetters.add(input.id());
        }
      }

      MalformedTopics topics = new MalformedTopics(bootstrap);
      MalformedTopics.Seen seen =
          topics.awaitOutcomes(out, dlq, expected, poison.id(), Duration.ofSeconds(60));
      report.phase("outcomes seen", t0);
      Map<TopicPartition, long[]> offsets =
          topics.awaitCommitted(in, group, Duration.ofSeconds(15));
      report.phase("offsets checked", t0);
      seen = topics.readToEnd(out, dlq);

      SoftAssertions soft = new SoftAssertions();
      verdicts.kafka(kafkaInputs, seen, in);
      verdicts.coverage(expected, seen);
      verdicts.poison(poison, sent.get(poison.id()), seen, in, DLQ_MAX_BYTES, soft);
      long stalls = offsets.values().stream().filter(o -> o[0] < o[1]).count();
      report.count("stalled partitions", stalls);
      offsets.forEach(
          (tp, o) -> report.line("partition %s: committed %d of %d".formatted(tp, o[0], o[1])));
      soft.assertThat(offsets)
          .as("committed offset per partition of %s", in)
          .allSatisfy((tp, o) -> assertThat(o[0]).as("%s committed", tp).isEqualTo(o[1]));
      // Nothing restarted: the same service, port and consumer thread as at the start, all alive.
      soft.assertThat(service[0]).as("intake instance").isSameAs(started);
      soft.assertThat(started.httpPort())
          .as("HTTP port")
          .isEqualTo(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)));
      soft.assertThat(consumerThread.isAlive())
          .as("consumer thread %s alive", consumerThread.getName())
          .isTrue();
      soft.assertThat(consumerThread()).as("consumer thread").isSameAs(consumerThread);
      soft.assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("/health")
          .isEqualTo(200);
      report.phase("done", t0);
      report.print(seed, httpInputs.size(), kafkaInputs.size() + 1);
      verdicts.assertNoViolations(soft);
      soft.assertAll();
    } finally {
      await(vertx.close());
    }
  }

  /** {@code n} inputs from {@code arbitrary}, with edge cases mixed in, ids {@code <prefix><i>}. */
  static <T> List<T> generate(
      Arbitrary<MalformedRequests.Draft2<T>> arbitrary, int n, String prefix, Random random) {
    var generator = arbitrary.generatorWithEmbeddedEdgeCases(1000);
    List<T> out = new ArrayList<>(n + 2);
    for (int i = 0; i < n; i++) {
      out.add(generator.next(random).value().render(prefix + i));
    }
    return out;
  }

  /** ~1 MB of non-JSON: fits the input topic (2 MiB), not the dead-letter topic (256 KiB). */
  static KafkaInput poison(Random random) {
    byte[] value = new byte[POISON_BYTES];
    random.nextBytes(value);
    value[0] = '<'; // never JSON
    return new KafkaInput(
        "k-poison",
        new MalformedInputs.Body(
            Kind.BROKEN, "1 MB over the dead-letter limit", value, null, Set.of()),
        "poison".getBytes(StandardCharsets.UTF_8),
        value,
        List.of(
            new MalformedRequests.Header(
                MalformedRequests.INPUT_HEADER, "k-poison".getBytes(StandardCharsets.UTF_8))));
  }

  static final String AUTH = TestTokens.AUTHORIZATION;

  /**
   * Requests without a usable token: 401 before the body is read (a 9 MiB body too), 403 for a
   * submit token on a read route, 401 rather than 404 for an unknown path.
   */
  static List<HttpInput> unauthenticated() {
    String valid =
        """
        {"eventId": "evt-unauth", "idempotencyKey": "key-unauth",
         "occurredAt": "2026-01-01T00:00:00Z", "source": "crm", "subjectIds": ["s-1"]}
        """;
    MalformedInputs.Body body =
        new MalformedInputs.Body(
            Kind.EMPTY,
            "a valid deletion without a usable token",
            valid.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            null,
            Set.of());
    MalformedInputs.Body none =
        new MalformedInputs.Body(Kind.EMPTY, "no body", null, null, Set.of());
    List<HttpInput> out = new ArrayList<>();
    int i = 0;
    for (String authorization :
        List.of(
            "",
            "Basic dXNlcjpwYXNz",
            "Bearer",
            "Bearer " + TestTokens.WRONG,
            "Bearer " + TestTokens.WRONG + " trailing",
            "bearer %%%not-a-token%%%",
            "Bearer " + TestTokens.sha256Hex(TestTokens.SUBMIT))) {
      out.add(
          new HttpInput(
              "h-unauth-" + i++,
              body,
              "POST",
              "/v1/deletions",
              "application/json",
              Map.of(AUTH, authorization),
              Set.of(401)));
    }
    HttpInput big = tooLarge("h-unauth-big", 9 * 1024 * 1024);
    out.add(
        new HttpInput(
            big.id(),
            big.body(),
            big.method(),
            big.path(),
            big.contentType(),
            Map.of(AUTH, ""),
            Set.of(401)));
    out.add(
        new HttpInput(
            "h-unauth-path", none, "POST", "/v1/nothing", null, Map.of(AUTH, ""), Set.of(401)));
    out.add(
        new HttpInput(
            "h-unauth-method", none, "PUT", "/v1/deletions", null, Map.of(AUTH, ""), Set.of(401)));
    out.add(
        new HttpInput(
            "h-forbidden",
            none,
            "GET",
            "/v1/requests/fr-1",
            null,
            Map.of(AUTH, TestTokens.bearer(TestTokens.SUBMIT)),
            Set.of(403)));
    out.add(
        new HttpInput(
            "h-forbidden-read",
            body,
            "POST",
            "/v1/deletions",
            "application/json",
            Map.of(AUTH, TestTokens.bearer(TestTokens.READ)),
            Set.of(403)));
    return out;
  }

  static HttpInput tooLarge(String id, int size) {
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[size - 1] = '}';
    return new HttpInput(
        id,
        new MalformedInputs.Body(Kind.BROKEN, "body over 8 MiB", body, null, Set.of()),
        "POST",
        "/v1/deletions",
        "application/json",
        Map.of(),
        Set.of(413));
  }

  void createTopics() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(in, 3, (short) 1)
                      .configs(Map.of("max.message.bytes", String.valueOf(2 << 20))),
                  new NewTopic(out, 1, (short) 1),
                  new NewTopic(dlq, 1, (short) 1)
                      .configs(Map.of("max.message.bytes", String.valueOf(DLQ_MAX_BYTES)))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The intake's one consumer thread for the input topic (named by ContractConsumer). */
  Thread consumerThread() {
    List<Thread> threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("lethe-consumer-") && t.getName().endsWith(in))
            .toList();
    assertThat(threads).as("consumer threads of %s", in).hasSize(1);
    return threads.get(0);
  }

  /** Sends every Kafka input, the poison one in the middle; the metadata of each, by id. */
  Map<String, RecordMetadata> produce(List<KafkaInput> inputs, KafkaInput poison) throws Exception {
    Map<String, java.util.concurrent.Future<RecordMetadata>> futures =
        new java.util.LinkedHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2 << 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      for (int i = 0; i < inputs.size(); i++) {
        if (i == inputs.size() / 2) {
          futures.put(poison.id(), producer.send(record(poison)));
        }
        futures.put(inputs.get(i).id(), producer.send(record(inputs.get(i))));
      }
      producer.flush();
    }
    Map<String, RecordMetadata> sent = new TreeMap<>();
    for (var e : futures.entrySet()) {
      sent.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
    }
    return sent;
  }

  ProducerRecord<byte[], byte[]> record(KafkaInput input) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(in, input.key(), input.value());
    input.headers().forEach(h -> r.headers().add(h.name(), h.value()));
    return r;
  }

  /** Sends every HTTP input, {@link #HTTP_CONCURRENCY} at a time; the answers by id. */
  Map<String, HttpResponse<String>> send(HttpClient http, String base, List<HttpInput> inputs)
      throws Exception {
    Map<String, HttpResponse<String>> answers = new ConcurrentHashMap<>();
    Map<String, Throwable> errors = new ConcurrentHashMap<>();
    Semaphore slots = new Semaphore(HTTP_CONCURRENCY);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (HttpInput input : inputs) {
      slots.acquire();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + input.path())).timeout(Duration.ofSeconds(30));
      byte[] body = input.body().bytes();
      b.method(
          input.method(),
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      if (input.contentType() != null) {
        b.header("content-type", input.contentType());
      }
      // Every input is sent with a valid token (read for request status, submit otherwise), so
      // the body validation is what is tested, unless it names its own Authorization ("" = none
      // at all): the unauthenticated cases.
      String authorization =
          input
              .headers()
              .getOrDefault(
                  AUTH,
                  TestTokens.bearer(
                      input.path().startsWith("/v1/requests/")
                          ? TestTokens.READ
                          : TestTokens.SUBMIT));
      if (!authorization.isEmpty()) {
        b.header(AUTH, authorization);
      }
      input.headers().entrySet().stream()
          .filter(h -> !h.getKey().equals(AUTH))
          .forEach(h -> b.header(h.getKey(), h.getValue()));
      all.add(
          http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (r, e) -> {
                    slots.release();
                    if (e != null) {
                      errors.put(input.id(), e);
                    } else {
                      answers.put(input.id(), r);
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .handle((v, e) -> null)
        .get(120, TimeUnit.SECONDS);
    errors.forEach(
        (id, e) -> report.violation("HTTP request failed without an answer", id + ": " + e));
    return answers;
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static long files(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var list = Files.list(dir)) {
      return list.count();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** What must come out: accepted eventIds with their models, Kafka inputs to dead-letter. */
  static final class Expectations {
    final Map<String, Set<String>> accepted = new ConcurrentHashMap<>();
    final Set<String> deadLetters = ConcurrentHashMap.newKeySet();
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
