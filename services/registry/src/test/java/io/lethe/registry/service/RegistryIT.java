package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.AuditEvent;
import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Problem;
import io.lethe.api.Topics;
import io.lethe.api.Violation;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.AuditLog;
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
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * The registry service against a real broker and a real S3 server ({@link ServerEnvironment}):
 * versions are put with {@link ModelStore} (tiny checkpoints: the registry never runs a model), the
 * API is exercised over real HTTP, and evaluation reports published to a (per-run) evaluations
 * topic drive the automatic promotion. Each test uses its own models, so they do not depend on one
 * another's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));
  private static final LabelSchema LABELS =
      LabelSchema.singleLabel(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
  private static final String DATASET_VERSION = "sha256:" + "ab".repeat(32);

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-registry-it-" + run;
  private final String topic = Topics.EVALUATIONS + ".it-" + run;
  private static final String AUTH = TestTokens.AUTHORIZATION;
  private static final String READ = TestTokens.bearer(TestTokens.READ);
  private static final String ADMIN = TestTokens.bearer(TestTokens.ADMIN);
  private final HttpClient http = HttpClient.newHttpClient();

  private S3Settings s3Settings;
  private ModelStore store;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private Registry registry;
  private ContractProducer producer;

  @BeforeAll
  void setUp() throws Exception {
    createTopics();
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-registry-it-" + run);
    store = new ModelStore(s3Settings);

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("registry");
    RegistrySettings settings =
        RegistrySettings.defaults(
            new KafkaSettings(bootstrap, "registry-it-" + run, group),
            HttpSettings.ephemeral(),
            s3Settings,
            AuthSettings.fromEnv(TestTokens.env()));
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v -> {
                  registry = new Registry(v, settings, metrics).optEvaluationsTopic(topic);
                  return registry;
                }));
    producer =
        new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, "unused"), codec);
    await(producer.start());
  }

  @AfterAll
  void tearDown() throws Exception {
    if (producer != null) {
      await(producer.stop());
    }
    if (running != null) {
      await(running.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void aPassingReportPromotesAFailingOneDoesNotAndARedeliveryChangesNothing() throws Exception {
    String model = "alpha-" + run;
    putOriginal(model, 1);
    putChild(model, 2, 1);
    putChild(model, 3, 2);
    store.attachEvaluation(evaluation(model, 2, true));
    EvaluationReportMessage passed = store.evaluation(model, 2).orElseThrow();
    store.attachEvaluation(evaluation(model, 3, false));
    EvaluationReportMessage failed = store.evaluation(model, 3).orElseThrow();

    publish(model, passed);
    waitFor(
        () -> store.aliasHistory(model, "production").map(AliasHistory::current).orElse(0) == 2,
        "production -> v2");

    RecordMetadata failedSent = publish(model, failed);
    waitFor(() -> committed(failedSent) > failedSent.offset(), "the failing report committed");
    RecordMetadata again = publish(model, passed);
    waitFor(() -> committed(again) > again.offset(), "the redelivered report committed");

    AliasHistory history = store.aliasHistory(model, "production").orElseThrow();
    assertThat(history.current()).isEqualTo(2);
    assertThat(history.entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.version()).isEqualTo(2);
              assertThat(e.action()).isEqualTo(AliasHistory.Action.PROMOTE);
            });
    HttpResponse<String> alias = get("/v1/models/" + model + "/aliases/production");
    assertThat(alias.statusCode()).isEqualTo(200);
    assertThat(alias.body()).contains("\"version\":2").contains("\"action\":\"promote\"");

    String scrape = metrics();
    assertThat(scrape)
        .containsPattern("(?m)^lethe_registry_versions_promoted_total\\{mode=\"auto\"\\} 1\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_evaluations_seen_total\\{outcome=\"passed\"\\} 2\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_evaluations_seen_total\\{outcome=\"failed\"\\} 1\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_promotions_skipped_total\\{reason=\"gates_failed\"\\} 1\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_promotions_skipped_total\\{reason=\"already_promoted\"\\} 1\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_alias_version\\{alias=\"production\",model=\""
                + model
                + "\"\\} 2\\.0$");
  }

  @Test
  void theApiListsServesPromotesAndRollsBack() throws Exception {
    String model = "beta-" + run;
    byte[] parameters = putOriginal(model, 1);
    putChild(model, 2, 1);
    putChild(model, 3, 2);
    store.attachEvaluation(evaluation(model, 1, true));
    store.attachEvaluation(evaluation(model, 2, false));
    String base = "/v1/models/" + model;

    // Listing.
    HttpResponse<String> models = get("/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.headers().firstValue("content-type")).contains("application/json");
    assertThat(models.body())
        .contains(
            "{\"modelId\":\""
                + model
                + "\",\"versionCount\":3,\"latestVersion\":3,\"aliases\":{}}");
    HttpResponse<String> versions = get(base + "/versions");
    assertThat(versions.statusCode()).isEqualTo(200);
    assertThat(versions.body())
        .contains("\"version\":1,\"method\":\"train\",\"subjectsForgotten\":0")
        .contains("\"version\":2,\"parentVersion\":1,\"method\":\"dlfd\",\"subjectsForgotten\":2")
        .contains("\"gatesPassed\":true")
        .contains("\"gatesPassed\":false")
        .contains("\"version\":3,\"parentVersion\":2,\"method\":\"dlfd\",\"subjectsForgotten\":2");
    String v3 = versions.body().substring(versions.body().indexOf("\"version\":3,"));
    assertThat(v3).doesNotContain("metrics").doesNotContain("gatesPassed"); // not evaluated

    // One version, its report, its objects.
    HttpResponse<String> manifest = get(base + "/versions/2");
    assertThat(manifest.statusCode()).isEqualTo(200);
    assertThat(codec.decode(bytes(manifest), ModelVersionManifest.class))
        .isEqualTo(store.manifest(model, 2));
    HttpResponse<String> report = get(base + "/versions/1/report");
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(codec.decode(bytes(report), EvaluationReportMessage.class))
        .isEqualTo(store.evaluation(model, 1).orElseThrow());
    assertThat(problem(get(base + "/versions/3/report"), 404).detail())
        .contains("has not been evaluated yet");
    assertThat(problem(get(base + "/versions/9/report"), 404).detail()).contains("v9");

    String sha = store.manifest(model, 1).objects().get(0).sha256();
    HttpResponse<byte[]> download = getBytes(base + "/versions/1/objects/parameters", Map.of());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(parameters);
    assertThat(download.headers().firstValue(RegistryApi.SHA256_HEADER)).contains(sha);
    assertThat(download.headers().firstValue("etag")).contains("\"" + sha + "\"");
    assertThat(StoredObjects.sha256(download.body())).isEqualTo(sha);
    HttpResponse<byte[]> unchanged =
        getBytes(
            base + "/versions/1/objects/parameters", Map.of("If-None-Match", "\"" + sha + "\""));
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    HttpResponse<byte[]> checkpoint =
        getBytes(base + "/versions/1/objects/checkpoint.json", Map.of());
    assertThat(checkpoint.statusCode()).isEqualTo(200);
    assertThat(new String(checkpoint.body(), StandardCharsets.UTF_8))
        .isEqualTo(store.checkpointJson(model, 1));
    assertThat(problem(get(base + "/versions/1/objects/claim.json"), 404).detail())
        .contains("parameters");

    // Aliases: manual promotion (a failed version only when forced), rollback.
    assertThat(problem(get(base + "/aliases/production"), 404).detail()).contains("never promoted");
    assertThat(put(base + "/aliases/production", "{\"version\":1}").body())
        .contains("\"version\":1");
    Problem refused = problem(put(base + "/aliases/production", "{\"version\":2}"), 409);
    assertThat(refused.detail()).contains("failed its gates", "force", "reason");
    assertThat(
            problem(put(base + "/aliases/production", "{\"version\":2,\"force\":true}"), 400)
                .violations())
        .extracting(Violation::path)
        .containsExactly("$.reason");
    assertThat(
            put(
                    base + "/aliases/production",
                    "{\"version\":2,\"force\":true,\"reason\":\"gate too strict for v2\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(put(base + "/aliases/production", "{\"version\":3}").statusCode()).isEqualTo(200);
    assertThat(problem(put(base + "/aliases/production", "{\"version\":99}"), 404).detail())
        .contains("v99");
    assertThat(problem(put(base + "/aliases/production", "{\"version\":0}"), 400).violations())
        .extracting(Violation::path)
        .containsExactly("$.version");
    assertThat(problem(put(base + "/aliases/production", "not json"), 400).violations())
        .extracting(Violation::path)
        .containsExactly("$");
    assertThat(store.resolve(model, "production")).isEqualTo(3);

    assertThat(post(base + "/aliases/production/rollback").body()).contains("\"version\":2,");
    // v1 predates the forgetting v2 completed: refused unless forced with a reason.
    assertThat(problem(post(base + "/aliases/production/rollback"), 409).detail())
        .contains("still encodes 2 subject(s)", "fr-" + model + "-2", "force", "reason");
    assertThat(
            problem(post(base + "/aliases/production/rollback", "{\"force\":true}"), 400)
                .violations())
        .extracting(Violation::path)
        .containsExactly("$.reason");
    assertThat(
            post(
                    base + "/aliases/production/rollback",
                    "{\"force\":true,\"reason\":\"incident INC-1: v2 misclassifies\"}")
                .body())
        .contains("\"version\":1,");
    assertThat(problem(post(base + "/aliases/production/rollback"), 409).detail())
        .contains("no earlier target");
    assertThat(problem(post(base + "/aliases/staging/rollback"), 404).detail()).contains("staging");
    assertThat(store.aliasHistory(model, "production").orElseThrow().entries())
        .extracting(AliasHistory.Entry::version)
        .containsExactly(1, 2, 3, 2, 1);
    // Who moved it, forced or not, and why: in the history entry and in the audit log.
    AliasHistory.Entry forced =
        store.aliasHistory(model, "production").orElseThrow().entries().get(4);
    assertThat(forced.wasForced()).isTrue();
    assertThat(forced.actor()).isEqualTo("test-admin");
    assertThat(forced.reason()).isEqualTo("incident INC-1: v2 misclassifies");
    List<AuditEvent> audit = new AuditLog(s3Settings).forModel(model);
    assertThat(audit)
        .filteredOn(e -> e.kind() == AuditEvent.Kind.ALIAS_ROLLED_BACK && e.version() == 1)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("test-admin");
              assertThat(e.data())
                  .containsEntry("forced", true)
                  .containsEntry("reason", "incident INC-1: v2 misclassifies")
                  .containsEntry("from", 2)
                  .containsEntry("subjectsNoLongerForgotten", 2);
              assertThat(e.requestIds()).contains("fr-" + model + "-2");
            });
    assertThat(audit)
        .filteredOn(e -> e.kind().name().startsWith("ALIAS_"))
        .extracting(AuditEvent::version)
        .containsExactly(1, 2, 3, 2, 1);
    assertThat(get("/v1/models").body())
        .contains(
            "\"modelId\":\""
                + model
                + "\",\"versionCount\":3,\"latestVersion\":3,\"aliases\":{\"production\":1}");

    // Bad input and unknown things.
    assertThat(problem(get("/v1/models/Beta/versions"), 400).violations())
        .extracting(Violation::path)
        .containsExactly("$.path.modelId");
    assertThat(problem(get(base + "/versions/x"), 400).violations())
        .extracting(Violation::path)
        .containsExactly("$.path.version");
    assertThat(problem(get("/v1/models/nope-" + run + "/versions"), 404).detail())
        .contains("no model");
    assertThat(problem(get("/v1/nothing"), 404).detail()).contains("no route GET /v1/nothing");

    String scrape = metrics();
    assertThat(scrape)
        .containsPattern("(?m)^lethe_registry_versions_promoted_total\\{mode=\"manual\"\\} 3\\.0$")
        .containsPattern("(?m)^lethe_registry_rollbacks_total 2\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_http_requests_total\\{method=\"PUT\","
                + "route=\"/v1/models/:modelId/aliases/:alias\",status=\"409\"\\} 1\\.0$")
        .containsPattern(
            "(?m)^lethe_registry_http_requests_total\\{method=\"GET\","
                + "route=\"unmatched\",status=\"404\"\\} 1\\.0$")
        .containsPattern("(?m)^lethe_registry_bytes_downloaded_total [1-9][0-9.E]*$");
  }

  @Test
  void aCorruptObjectIsRefusedNotServed() throws Exception {
    String model = "gamma-" + run;
    byte[] parameters = putOriginal(model, 1);
    byte[] tampered = parameters.clone();
    tampered[0] ^= 1;
    MinioClient client = s3Settings.newClient();
    client.putObject(
        PutObjectArgs.builder()
            .bucket(s3Settings.bucket())
            .object("models/" + model + "/v1/parameters.bin")
            .data(tampered, tampered.length)
            .build());

    Problem corrupt = problem(get("/v1/models/" + model + "/versions/1/objects/parameters"), 500);

    assertThat(corrupt.type()).isEqualTo("https://lethe.dev/problems/corrupt-object");
    assertThat(corrupt.detail()).contains("sha256", "does not match");
    assertThat(
            getBytes("/v1/models/" + model + "/versions/1/objects/checkpoint", Map.of())
                .statusCode())
        .isEqualTo(200);
  }

  // --- fixtures -------------------------------------------------------------------------------

  /** Stores an original version holding seeded random parameters; returns them. */
  private byte[] putOriginal(String model, int expectedVersion) {
    byte[] parameters = parameters(model, expectedVersion);
    ModelVersionManifest m = store.putVersion(model, version(Method.TRAIN, parameters).build());
    assertThat(m.version()).isEqualTo(expectedVersion);
    return parameters;
  }

  private void putChild(String model, int expectedVersion, int parent) {
    byte[] parameters = parameters(model, expectedVersion);
    ModelVersionManifest m =
        store.putVersion(
            model,
            version(Method.DLFD, parameters)
                .optParentVersion(parent)
                .optForgetRequestIds(List.of("fr-" + model + "-" + expectedVersion))
                .optSubjectsForgotten(List.of("s0001", "s0002"))
                .build());
    assertThat(m.version()).isEqualTo(expectedVersion);
  }

  private static byte[] parameters(String model, int version) {
    byte[] bytes = new byte[512];
    new Random(model.hashCode() * 31L + version).nextBytes(bytes);
    return bytes;
  }

  private static NewVersion.Builder version(Method method, byte[] parameters) {
    CheckpointManifest.Dataset dataset =
        new CheckpointManifest.Dataset("mnist", DATASET_VERSION, Map.of("kind", "idx"));
    String json =
        CheckpointManifest.builder(method.name().toLowerCase(java.util.Locale.ROOT), dataset)
            .build(SPEC, LABELS, parameters)
            .toJson();
    return NewVersion.builder(method, json, parameters, DATASET_VERSION);
  }

  private static EvaluationReportMessage evaluation(String model, int version, boolean passed) {
    return new EvaluationReportMessage(
        "fr-" + model + "-" + version,
        "corr-" + model + "-" + version,
        model,
        version,
        0.9,
        0.95,
        new EvaluationReportMessage.Mia(0.53, 0.01, List.of(0.52, 0.54)),
        0.03,
        0.78,
        List.of(
            new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.0300 <= 0.1000"),
            new EvaluationReportMessage.Gate(
                "maxNomusDrop", passed, passed ? "drop 0.0100 <= 0.0200" : "drop 0.0500 > 0.0200")),
        passed,
        Instant.parse("2025-02-01T10:00:00Z"));
  }

  // --- Kafka ----------------------------------------------------------------------------------

  private RecordMetadata publish(String model, EvaluationReportMessage report) throws Exception {
    return await(
        producer.send(topic, Contract.EVALUATION_REPORT, model, report, report.correlationId()));
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

  private void createTopics() {
    KafkaTopics.ensure(bootstrap, List.of(topic, Topics.DEAD_LETTERS));
  }

  // --- HTTP -----------------------------------------------------------------------------------

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + registry.apiPort() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).header(AUTH, READ).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header(AUTH, READ);
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .header(AUTH, ADMIN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header(AUTH, ADMIN)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header(AUTH, ADMIN)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The problem.v1 body of {@code response}, which must have {@code status}. */
  private Problem problem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).contains(Problems.PROBLEM_JSON);
    Problem p = codec.decode(bytes(response), Problem.class);
    assertThat(p.status()).isEqualTo(status);
    return p;
  }

  private String metrics() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static byte[] bytes(HttpResponse<String> r) {
    return r.body().getBytes(StandardCharsets.UTF_8);
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Waiting.until(condition, TIMEOUT, what);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
