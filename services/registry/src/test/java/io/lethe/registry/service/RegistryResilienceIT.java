package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.Problem;
import io.lethe.api.Topics;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.LocalS3;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.Waiting;
import io.lethe.testutils.auth.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two registry service instances on one bucket of their own s3proxy (which this test stops and
 * restarts) and a real broker: concurrent alias moves over HTTP split between the instances are
 * never lost, and while S3 is down the API answers 503 with {@code Retry-After} and the promotion
 * consumer retries its report instead of committing it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryResilienceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));
  private static final LabelSchema LABELS =
      LabelSchema.singleLabel(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
  private static final String DATASET_VERSION = "sha256:" + "ab".repeat(32);

  private final MessageCodec codec = new MessageCodec();
  private final ObjectMapper json = MessageCodec.newObjectMapper();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-registry-resilience-" + run;
  private final String topic = Topics.EVALUATIONS + ".resilience-" + run;
  private static final String AUTH = TestTokens.AUTHORIZATION;
  private static final String READ = TestTokens.bearer(TestTokens.READ);
  private static final String ADMIN = TestTokens.bearer(TestTokens.ADMIN);
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalS3 s3;
  private ModelStore store;
  private Vertx vertx;
  private final List<ServiceLauncher.Running> running = new ArrayList<>();
  private final List<Registry> registries = new ArrayList<>();
  private ContractProducer producer;

  @BeforeAll
  void setUp() throws Exception {
    KafkaTopics.ensure(bootstrap, List.of(topic, Topics.DEAD_LETTERS));
    Path dir =
        Paths.get("target", "it-servers", "registry-s3-" + UUID.randomUUID()).toAbsolutePath();
    s3 = LocalS3.builder(dir).port(freePort()).build().start();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-resilience-" + run);
    store = new ModelStore(s3Settings);

    vertx = Vertx.vertx();
    for (int i = 0; i < 2; i++) {
      Metrics metrics = new Metrics("registry");
      RegistrySettings settings =
          RegistrySettings.defaults(
              new KafkaSettings(bootstrap, "registry-resilience-" + i + "-" + run, group),
              HttpSettings.ephemeral(),
              s3Settings,
              AuthSettings.fromEnv(TestTokens.env()));
      running.add(
          await(
              ServiceLauncher.launch(
                  vertx,
                  HttpSettings.ephemeral(),
                  metrics.registry(),
                  v -> {
                    Registry r = new Registry(v, settings, metrics).optEvaluationsTopic(topic);
                    registries.add(r);
                    return r;
                  })));
    }
    producer =
        new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, "unused"), codec);
    await(producer.start());
  }

  @AfterAll
  void tearDown() throws Exception {
    if (producer != null) {
      await(producer.stop());
    }
    for (ServiceLauncher.Running r : running) {
      await(r.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (s3 != null) {
      s3.stop();
    }
  }

  /** One HTTP move and what it answered. */
  private record Answer(String move, int status, List<JsonNode> history) {}

  @Test
  void fortyConcurrentMovesSplitBetweenTwoInstancesAreAllInTheFinalHistory() throws Exception {
    String model = "race-" + run;
    int promotions = 30;
    for (int v = 1; v <= promotions; v++) {
      putVersion(model, v);
    }
    String alias = "/v1/models/" + model + "/aliases/production";
    List<Callable<Answer>> moves = new ArrayList<>();
    for (int v = 1; v <= promotions; v++) {
      int instance = v % 2;
      String body = "{\"version\":" + v + "}";
      String move = "promote v" + v + " on " + instance;
      moves.add(() -> answer(move, put(instance, alias, body)));
    }
    for (int r = 0; r < 10; r++) {
      int instance = r % 2;
      moves.add(() -> answer("rollback on " + instance, post(instance, alias + "/rollback")));
    }
    Collections.shuffle(moves, new Random(26));

    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<Answer>> futures = new ArrayList<>();
    for (Callable<Answer> move : moves) {
      futures.add(
          threads.submit(
              () -> {
                go.await();
                return move.call();
              }));
    }
    go.countDown();
    List<Answer> answers = new ArrayList<>();
    for (java.util.concurrent.Future<Answer> f : futures) {
      answers.add(f.get(120, TimeUnit.SECONDS));
    }
    threads.shutdown();

    List<JsonNode> history = historyOf(get(0, alias).body());
    List<Answer> acknowledged = answers.stream().filter(a -> a.status() == 200).toList();
    Set<Integer> positions = new HashSet<>();
    for (Answer a : acknowledged) {
      assertThat(history.subList(0, Math.min(a.history().size(), history.size())))
          .as("%s answered %s", a.move(), a.history())
          .isEqualTo(a.history());
      positions.add(a.history().size());
    }
    assertThat(positions).hasSize(acknowledged.size());
    assertThat(history).hasSize(acknowledged.size());
    assertThat(answers.stream().filter(a -> a.move().startsWith("promote")))
        .allSatisfy(a -> assertThat(a.status()).as(a.move()).isEqualTo(200));
    // A rollback may only be refused for having nothing to go back to at its turn.
    assertThat(answers.stream().filter(a -> a.status() != 200))
        .allSatisfy(a -> assertThat(a.status()).as(a.move()).isIn(404, 409));
    assertThat(store.aliasHistory(model, "production").orElseThrow().entries())
        .hasSize(history.size());
    System.out.printf(
        "registry alias race: %d of %d moves acknowledged over two instances%n",
        acknowledged.size(), answers.size());
  }

  @Test
  void whileS3IsDownTheApiAnswers503AndThePromotionIsRetriedNotCommitted() throws Exception {
    String model = "outage-" + run;
    putVersion(model, 1);
    putVersion(model, 2);
    store.attachEvaluation(evaluation(model, 2));
    EvaluationReportMessage passed = store.evaluation(model, 2).orElseThrow();
    assertThat(
            put(0, "/v1/models/" + model + "/aliases/production", "{\"version\":1}").statusCode())
        .isEqualTo(200);
    String base = "/v1/models/" + model;
    long seenBefore = evaluationsSeen();

    s3.stop();

    for (int instance = 0; instance < 2; instance++) {
      unavailable(get(instance, "/v1/models"));
      unavailable(get(instance, base + "/versions/1"));
      unavailable(get(instance, base + "/versions/1/objects/parameters"));
      unavailable(get(instance, base + "/aliases/production"));
      unavailable(put(instance, base + "/aliases/production", "{\"version\":2}"));
      unavailable(post(instance, base + "/aliases/production/rollback"));
    }
    RecordMetadata sent =
        await(producer.send(topic, Contract.EVALUATION_REPORT, model, passed, "corr-" + model));
    Waiting.until(
        () -> evaluationsSeen() >= seenBefore + 3,
        TIMEOUT,
        "the report handled and retried twice while S3 is down");
    assertThat(committed(sent)).as("committed offset").isLessThanOrEqualTo(sent.offset());
    assertThat(scrape()).doesNotContainPattern("reason=\"unknown_version\"\\} [1-9]");

    s3.start();

    Waiting.until(
        () -> store.resolve(model, "production") == 2, TIMEOUT, "production -> v2 after restart");
    Waiting.until(() -> committed(sent) > sent.offset(), TIMEOUT, "the report committed");
    assertThat(store.aliasHistory(model, "production").orElseThrow().entries())
        .extracting(AliasHistory.Entry::version)
        .containsExactly(1, 2);
    for (int instance = 0; instance < 2; instance++) {
      assertThat(get(instance, "/v1/models").statusCode()).isEqualTo(200);
      assertThat(get(instance, base + "/versions/1").statusCode()).isEqualTo(200);
      assertThat(get(instance, base + "/versions/1/objects/parameters").statusCode())
          .isEqualTo(200);
      assertThat(get(instance, base + "/aliases/production").body()).contains("\"version\":2,");
    }
    assertThat(post(1, base + "/aliases/production/rollback").statusCode()).isEqualTo(200);
    assertThat(store.resolve(model, "production")).isEqualTo(1);
  }

  // --- fixtures -------------------------------------------------------------------------------

  private void unavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After"))
        .contains(Integer.toString(Problems.RETRY_AFTER_SECONDS));
    assertThat(response.headers().firstValue("content-type")).contains(Problems.PROBLEM_JSON);
    Problem p = codec.decode(response.body().getBytes(StandardCharsets.UTF_8), Problem.class);
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.type()).isEqualTo(Problems.UNAVAILABLE_TYPE);
    assertThat(p.detail()).contains("s3://");
  }

  private void putVersion(String model, int expected) {
    byte[] parameters = new byte[256];
    new Random(model.hashCode() * 31L + expected).nextBytes(parameters);
    String checkpoint =
        CheckpointManifest.builder(
                "train", new CheckpointManifest.Dataset("mnist", DATASET_VERSION, Map.of()))
            .build(SPEC, LABELS, parameters)
            .toJson();
    int version =
        store
            .putVersion(
                model,
                NewVersion.builder(Method.TRAIN, checkpoint, parameters, DATASET_VERSION).build())
            .version();
    assertThat(version).isEqualTo(expected);
  }

  private static EvaluationReportMessage evaluation(String model, int version) {
    return new EvaluationReportMessage(
        "fr-" + model + "-" + version,
        "corr-" + model,
        model,
        version,
        0.9,
        0.95,
        new EvaluationReportMessage.Mia(0.53, 0.01, List.of(0.52, 0.54)),
        0.03,
        0.78,
        List.of(new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.03 <= 0.1")),
        true,
        Instant.parse("2025-02-01T10:00:00Z"));
  }

  private Answer answer(String move, HttpResponse<String> response) throws IOException {
    return new Answer(
        move,
        response.statusCode(),
        response.statusCode() == 200 ? historyOf(response.body()) : List.of());
  }

  private List<JsonNode> historyOf(String body) throws IOException {
    List<JsonNode> entries = new ArrayList<>();
    json.readTree(body).get("history").forEach(entries::add);
    return entries;
  }

  /** {@code lethe_registry_evaluations_seen_total} summed over both instances. */
  private long evaluationsSeen() {
    Matcher m =
        Pattern.compile("(?m)^lethe_registry_evaluations_seen_total\\{[^}]*\\} ([0-9.E]+)$")
            .matcher(scrape());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return (long) total;
  }

  private String scrape() {
    StringBuilder all = new StringBuilder();
    for (ServiceLauncher.Running r : running) {
      try {
        all.append(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + r.httpPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return all.toString();
  }

  private long committed(RecordMetadata sent) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(sent.topic(), sent.partition()));
      return o == null ? -1 : o.offset();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI uri(int instance, String path) {
    return URI.create("http://127.0.0.1:" + registries.get(instance).apiPort() + path);
  }

  private HttpResponse<String> get(int instance, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path)).header(AUTH, READ).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(int instance, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .header(AUTH, ADMIN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int instance, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path))
            .header(AUTH, ADMIN)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
