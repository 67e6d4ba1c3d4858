package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.AuditEvent;
import io.lethe.api.ComplianceReport;
import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.RequestState;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.DatasetStore;
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
import io.lethe.testutils.s3.BucketScan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Erasure and the compliance report against a real broker and a real S3 server: a model trained on
 * a registry dataset forgets two subjects; once its new version is promoted (from a passing report
 * on the evaluations topic) the registry's sweep erases the subjects' samples from the dataset and,
 * after a short grace period, purges the original. Every object in the bucket is then scanned for
 * the forgotten subjects' image bytes and the original's parameters; the request's compliance
 * report, assembled from the audit log the registry fed from the ledger, results and evaluations
 * topics, lists what was done. A second registry, with a long grace period, shows an admin's
 * immediate purge order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 8, 2, Normalization.uniform(1, 0.5f, 0.5f));
  private static final LabelSchema LABELS = LabelSchema.singleLabel(List.of("0", "1"));
  private static final String AUTH = TestTokens.AUTHORIZATION;

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String ledger = Topics.INTAKE_LEDGER + ".erasure-it-" + run;
  private final String results = Topics.UNLEARNING_RESULTS + ".erasure-it-" + run;
  private final String evaluations = Topics.EVALUATIONS + ".erasure-it-" + run;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Running> registries = new ArrayList<>();
  private Vertx vertx;
  private ContractProducer producer;

  /** One registry service with its own bucket and grace period. */
  private record Running(
      ServiceLauncher.Running launched, Registry registry, S3Settings s3, ModelStore store) {
    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + registry.apiPort() + path);
    }

    URI metrics() {
      return URI.create("http://127.0.0.1:" + launched.httpPort() + "/metrics");
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    KafkaTopics.ensure(bootstrap, List.of(results, evaluations, Topics.DEAD_LETTERS));
    vertx = Vertx.vertx();
    producer =
        new ContractProducer(
            vertx, new KafkaSettings(bootstrap, "erasure-it-" + run, "unused"), codec);
    await(producer.start());
  }

  @AfterAll
  void tearDown() throws Exception {
    for (Running r : registries) {
      await(r.launched().stop());
    }
    if (producer != null) {
      await(producer.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void afterTheGracePeriodNoObjectHoldsAForgottenSubjectsImagesOrAPreForgettingCheckpoint()
      throws Exception {
    Running reg = start("short", Duration.ofSeconds(2));
    String model = "erase-" + run;
    String dataset = "faces-" + run;
    String request = "fr-erase-" + run;
    ImageDataset data = dataset();
    DatasetStore datasets = new DatasetStore(reg.s3());
    datasets.putSnapshot(dataset, data);
    byte[] original = randomBytes(4096, 1);
    put(reg.store(), model, original, null, List.of(), List.of(), dataset, 0);
    int revision = datasets.tombstone(dataset, List.of("alice", "bob")).version();
    put(
        reg.store(),
        model,
        randomBytes(4096, 2),
        1,
        List.of(request),
        List.of("alice", "bob"),
        dataset,
        revision);
    Map<String, byte[]> needles = needles(data, original);
    BucketScan.Result before = BucketScan.scan(reg.s3().newClient(), reg.s3().bucket(), needles);
    assertThat(before.objectsHolding("v1-parameters")).hasSize(1);
    assertThat(before.objectsWithHits()).hasSizeGreaterThanOrEqualTo(2);

    // The request's life as the other services publish it; the evaluation promotes v2.
    send(ledger, Contract.REQUEST_STATE, request, ledgerState(model, request));
    Waiting.until(
        () -> ageOfOldest(reg, model) > 0, TIMEOUT, "the accepted request counted as unhonoured");
    send(results, Contract.UNLEARNING_RESULT, model, result(model, request));
    EvaluationReportMessage evaluation = evaluation(model, request);
    reg.store().attachEvaluation(evaluation);
    send(evaluations, Contract.EVALUATION_REPORT, model, evaluation);

    Waiting.until(
        () -> reportOf(reg, request).map(r -> !r.purges().isEmpty()).orElse(false),
        TIMEOUT,
        "the original purged after its grace period");
    BucketScan.Result after = BucketScan.scan(reg.s3().newClient(), reg.s3().bucket(), needles);
    System.out.printf(
        "erasure scan: %d objects (%d bytes) before, %d holding forgotten data; %d objects (%d"
            + " bytes) after, %d holding forgotten data%n",
        before.objectsScanned(),
        before.bytesScanned(),
        before.objectsWithHits().size(),
        after.objectsScanned(),
        after.bytesScanned(),
        after.objectsWithHits().size());
    assertThat(after.objectsWithHits()).as("objects holding forgotten data").isEmpty();
    assertThat(after.objectsScanned()).isPositive();
    // The subjects who were not forgotten are still there, byte for byte.
    ImageDataset remaining = datasets.materialise(dataset, 0);
    assertThat(remaining.fingerprint()).isEqualTo(data.fingerprint());
    assertThat(remaining.erasedSubjects()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(remaining.samples()).extracting(Sample::subjectId).doesNotContain("alice", "bob");
    assertThat(remaining.size()).isEqualTo(data.size() - 6);

    // The purged original cannot be downloaded or served again, not even by force.
    assertThat(get(reg, "/v1/models/" + model + "/versions/1/objects/parameters").statusCode())
        .isEqualTo(410);
    HttpResponse<String> forced =
        send(
            reg,
            "PUT",
            "/v1/models/" + model + "/aliases/production",
            "{\"version\":1,\"force\":true,\"reason\":\"try to bring it back\"}",
            TestTokens.ADMIN);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(410);

    HttpResponse<String> raw = get(reg, "/v1/requests/" + request + "/report");
    System.out.println("compliance report: " + raw.body());
    ComplianceReport report =
        codec.decode(raw.body().getBytes(StandardCharsets.UTF_8), ComplianceReport.class);
    assertThat(report.status()).isEqualTo(ComplianceReport.Status.COMPLETED);
    assertThat(report.modelId()).isEqualTo(model);
    assertThat(report.subjects()).isEqualTo(2);
    assertThat(report.acceptedAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
    assertThat(report.completedAt()).isNotNull();
    assertThat(report.versions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.version()).isEqualTo(2);
              assertThat(v.served()).isTrue();
              assertThat(v.passed()).isTrue();
              assertThat(v.forgettingScore()).isEqualTo(0.03);
              assertThat(v.unlearningSeconds()).isEqualTo(12.5);
            });
    assertThat(report.purges())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.version()).isEqualTo(1);
              assertThat(p.deletedBytes()).isGreaterThanOrEqualTo(original.length);
              assertThat(p.actor()).isEqualTo("service:registry");
            });
    assertThat(report.pendingPurges()).isEmpty();
    assertThat(report.datasetErasures())
        .singleElement()
        .satisfies(e -> assertThat(e.samplesRemoved()).isEqualTo(6));
    assertThat(report.events())
        .extracting(AuditEvent::kind)
        .contains(
            AuditEvent.Kind.REQUEST_EMITTED,
            AuditEvent.Kind.UNLEARNING_SUCCEEDED,
            AuditEvent.Kind.EVALUATION_RECORDED,
            AuditEvent.Kind.ALIAS_PROMOTED,
            AuditEvent.Kind.VERSION_PURGE_SCHEDULED,
            AuditEvent.Kind.VERSION_PURGED,
            AuditEvent.Kind.DATASET_ERASED);
    assertThat(raw.body()).doesNotContain("alice", "bob");
    assertThat(metrics(reg))
        .containsPattern("(?m)^lethe_registry_versions_purged_total\\{by=\"grace\"\\} 1\\.0$")
        .containsPattern("(?m)^lethe_registry_dataset_subjects_erased_total 2\\.0$");

    // The SLIs: observed once, from the acceptance to the promotion; nothing left unhonoured, also
    // for a registry started afterwards, which rebuilds its open requests from the ledger.
    assertThat(metrics(reg))
        .contains("lethe_registry_deletion_to_promotion_seconds_count{model=\"" + model + "\"} 1")
        .contains(
            "lethe_registry_oldest_unhonoured_request_age_seconds{model=\"" + model + "\"} 0.0");
    Running restarted = start("short-again", Duration.ofSeconds(2), reg.s3().bucket());
    assertThat(ageOfOldest(restarted, model)).isZero();
    assertThat(metrics(restarted))
        .contains(
            "lethe_registry_oldest_unhonoured_request_age_seconds{model=\"" + model + "\"} 0.0");

    assertThat(get(reg, "/v1/requests/fr-nobody-" + run + "/report").statusCode()).isEqualTo(404);
    assertThat(get(reg, "/v1/requests/bad%20id/report").statusCode()).isEqualTo(400);
  }

  @Test
  void anAdminPurgesAVersionNowWithAReasonButNeverTheServedOne() throws Exception {
    Running reg = start("long", Duration.ofHours(1));
    String model = "purge-" + run;
    String request = "fr-purge-" + run;
    put(reg.store(), model, randomBytes(1024, 3), null, List.of(), List.of(), null, 0);
    put(reg.store(), model, randomBytes(1024, 4), 1, List.of(request), List.of("carol"), null, 0);
    assertThat(
            send(
                    reg,
                    "PUT",
                    "/v1/models/" + model + "/aliases/production",
                    "{\"version\":2}",
                    TestTokens.ADMIN)
                .statusCode())
        .isEqualTo(200);
    String purge = "/v1/models/" + model + "/versions/1/purge";
    Waiting.until(
        () -> reportOf(reg, request).map(r -> !r.pendingPurges().isEmpty()).orElse(false),
        TIMEOUT,
        "v1 scheduled for purge");
    ComplianceReport pending = reportOf(reg, request).orElseThrow();
    assertThat(pending.pendingPurges())
        .singleElement()
        .satisfies(p -> assertThat(p.dueAt()).isAfter(Instant.now().plus(Duration.ofMinutes(55))));

    assertThat(send(reg, "POST", purge, "{\"reason\":\"now\"}", TestTokens.READ).statusCode())
        .isEqualTo(403);
    assertThat(send(reg, "POST", purge, "{}", TestTokens.ADMIN).statusCode()).isEqualTo(400);
    HttpResponse<String> served =
        send(
            reg,
            "POST",
            "/v1/models/" + model + "/versions/2/purge",
            "{\"reason\":\"oops\"}",
            TestTokens.ADMIN);
    assertThat(served.statusCode()).isEqualTo(409);
    assertThat(served.body()).contains("serves");
    HttpResponse<String> done =
        send(
            reg, "POST", purge, "{\"reason\":\"subject asked for proof today\"}", TestTokens.ADMIN);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(get(reg, "/v1/models/" + model + "/versions/1/objects/parameters").statusCode())
        .isEqualTo(410);
    ComplianceReport report = reportOf(reg, request).orElseThrow();
    assertThat(report.purges())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.actor()).isEqualTo("test-admin");
              assertThat(p.reason()).isEqualTo("subject asked for proof today");
            });
    assertThat(report.pendingPurges()).isEmpty();
    assertThat(metrics(reg))
        .containsPattern("(?m)^lethe_registry_versions_purged_total\\{by=\"admin\"\\} 1\\.0$");
  }

  /**
   * Requests whose subjects an existing version had all forgotten get no version of their own (the
   * worker records the version that honours them and says so in its result): one honoured by the
   * version already served is completed at once, observed from its acceptance to the result; one
   * honoured by a newer version not yet served stays open until that version's promotion.
   */
  @Test
  void aRequestHonouredByAnExistingVersionCompletesWhenThatVersionIsServed() throws Exception {
    Running reg = start("honoured", Duration.ofHours(1));
    String model = "honoured-" + run;
    String again = "fr-again-" + run;
    String later = "fr-later-" + run;
    put(reg.store(), model, randomBytes(1024, 5), null, List.of(), List.of(), null, 0);
    put(
        reg.store(),
        model,
        randomBytes(1024, 6),
        1,
        List.of("fr-first-" + run),
        List.of("alice", "bob"),
        null,
        0);
    assertThat(promote(reg, model, 2).statusCode()).isEqualTo(200);

    // Asked again through another channel while v2, which forgot them, is served.
    send(ledger, Contract.REQUEST_STATE, again, ledgerState(model, again));
    Waiting.until(() -> ageOfOldest(reg, model) > 0, TIMEOUT, "the duplicate counted as open");
    reg.store().recordHonouredBy(model, again, 2);
    send(results, Contract.UNLEARNING_RESULT, model, honouredResult(model, again, 2));

    Waiting.until(
        () ->
            reportOf(reg, again)
                .map(r -> r.status() == ComplianceReport.Status.COMPLETED)
                .orElse(false),
        TIMEOUT,
        "the duplicate completed by the served v2");
    ComplianceReport report = reportOf(reg, again).orElseThrow();
    assertThat(report.completedAt())
        .isEqualTo(reg.store().honouredBy(model, again).orElseThrow().recordedAt());
    assertThat(report.versions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.version()).isEqualTo(2);
              assertThat(v.served()).isTrue();
              assertThat(v.madeForAnotherRequest()).isTrue();
            });
    assertThat(report.events())
        .filteredOn(e -> e.kind() == AuditEvent.Kind.UNLEARNING_SUCCEEDED)
        .singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("honouredBy", "existing_version"));
    assertThat(metrics(reg))
        .contains("lethe_registry_deletion_to_promotion_seconds_count{model=\"" + model + "\"} 1")
        .contains("lethe_registry_deletion_to_promotion_seconds_sum{model=\"" + model + "\"} 60.0")
        .contains(
            "lethe_registry_oldest_unhonoured_request_age_seconds{model=\"" + model + "\"} 0.0");

    // A duplicate of what v3 forgot, v3 not served yet: open until v3 is promoted.
    put(
        reg.store(),
        model,
        randomBytes(1024, 7),
        2,
        List.of("fr-third-" + run),
        List.of("alice", "bob", "carol"),
        null,
        0);
    send(ledger, Contract.REQUEST_STATE, later, ledgerState(model, later));
    reg.store().recordHonouredBy(model, later, 3);
    send(results, Contract.UNLEARNING_RESULT, model, honouredResult(model, later, 3));
    Waiting.until(
        () ->
            reportOf(reg, later)
                .map(
                    r ->
                        r.events().stream()
                            .anyMatch(e -> e.kind() == AuditEvent.Kind.UNLEARNING_SUCCEEDED))
                .orElse(false),
        TIMEOUT,
        "the second duplicate's result archived");
    assertThat(reportOf(reg, later).orElseThrow().status())
        .isEqualTo(ComplianceReport.Status.UNLEARNED);
    assertThat(ageOfOldest(reg, model)).isPositive();

    assertThat(promote(reg, model, 3).statusCode()).isEqualTo(200);
    Waiting.until(() -> ageOfOldest(reg, model) == 0, TIMEOUT, "the second duplicate honoured");
    ComplianceReport completed = reportOf(reg, later).orElseThrow();
    assertThat(completed.status()).isEqualTo(ComplianceReport.Status.COMPLETED);
    assertThat(completed.versions())
        .singleElement()
        .satisfies(v -> assertThat(v.madeForAnotherRequest()).isTrue());
    assertThat(metrics(reg))
        .contains("lethe_registry_deletion_to_promotion_seconds_count{model=\"" + model + "\"} 2");
  }

  // --- fixtures -------------------------------------------------------------------------------

  private HttpResponse<String> promote(Running reg, String model, int version) throws Exception {
    return send(
        reg,
        "PUT",
        "/v1/models/" + model + "/aliases/production",
        "{\"version\":" + version + "}",
        TestTokens.ADMIN);
  }

  private Running start(String name, Duration grace) throws Exception {
    return start(name, grace, "lethe-erasure-it-" + name + "-" + run);
  }

  private Running start(String name, Duration grace, String bucket) throws Exception {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
    Metrics metrics = new Metrics("registry");
    RegistrySettings settings =
        RegistrySettings.defaults(
                new KafkaSettings(bootstrap, "erasure-it-" + run, "lethe-erasure-it-" + name + run),
                HttpSettings.ephemeral(),
                s3Settings,
                AuthSettings.fromEnv(TestTokens.env()))
            .withErasure(new ErasureSettings(grace, Duration.ofMillis(500)));
    Registry[] registry = new Registry[1];
    ServiceLauncher.Running launched =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v -> {
                  registry[0] =
                      new Registry(v, settings, metrics)
                          .optEvaluationsTopic(evaluations)
                          .optAuditTopics(ledger, results, evaluations);
                  return registry[0];
                }));
    Running r = new Running(launched, registry[0], s3Settings, new ModelStore(s3Settings));
    registries.add(r);
    return r;
  }

  /** Five subjects with three distinctive 8x8 TRAIN images each, one unseen, two test images. */
  private static ImageDataset dataset() {
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    String[] subjects = {"alice", "bob", "carol", "dave", "erin"};
    for (String subject : subjects) {
      for (int i = 0; i < 3; i++) {
        add(samples, pixels, subject + "-" + i, subject, Split.TRAIN);
      }
    }
    add(samples, pixels, "unseen-0", "uma", Split.UNSEEN);
    add(samples, pixels, "test-0", "t0", Split.TEST);
    add(samples, pixels, "test-1", "t1", Split.TEST);
    return new ImageDataset("faces", LABELS, 1, 8, samples, pixels);
  }

  private static void add(
      List<Sample> samples, List<byte[]> pixels, String id, String subject, Split split) {
    samples.add(new Sample(samples.size(), id, subject, new int[] {samples.size() % 2}, split));
    pixels.add(randomBytes(64, id.hashCode()));
  }

  /** The forgotten subjects' images (as stored: raw CHW bytes) and the original's parameters. */
  private static Map<String, byte[]> needles(ImageDataset data, byte[] original) {
    Map<String, byte[]> needles = new LinkedHashMap<>();
    for (Sample s : data.samples()) {
      if (s.subjectId().equals("alice") || s.subjectId().equals("bob")) {
        needles.put("image-" + s.sampleId(), randomBytes(64, s.sampleId().hashCode()));
      }
    }
    needles.put("v1-parameters", original);
    return needles;
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void put(
      ModelStore store,
      String model,
      byte[] parameters,
      Integer parent,
      List<String> requests,
      List<String> forgotten,
      String datasetId,
      int revision) {
    CheckpointManifest.Dataset ds =
        new CheckpointManifest.Dataset("faces", "sha256:" + "cd".repeat(32), Map.of("kind", "s3"));
    Method method = parent == null ? Method.TRAIN : Method.DLFD;
    String json =
        CheckpointManifest.builder(method.name().toLowerCase(java.util.Locale.ROOT), ds)
            .build(SPEC, LABELS, parameters)
            .toJson();
    NewVersion.Builder b =
        NewVersion.builder(method, json, parameters, "sha256:" + "cd".repeat(32))
            .optParentVersion(parent)
            .optForgetRequestIds(requests)
            .optSubjectsForgotten(forgotten);
    if (datasetId != null) {
      b.optDataset(datasetId, revision);
    }
    store.putVersion(model, b.build());
  }

  private static RequestState ledgerState(String model, String request) {
    Instant at = Instant.parse("2025-03-01T10:00:05Z");
    ForgetRequest fr =
        new ForgetRequest(
            request,
            "corr-" + request,
            model,
            1,
            Method.DLFD,
            Map.of(),
            List.of("alice", "bob"),
            List.of("alice-0", "alice-1", "alice-2", "bob-0", "bob-1", "bob-2"),
            List.of("evt-" + request),
            "sha256:" + "cd".repeat(32),
            at);
    return new RequestState(
        request,
        RequestState.State.EMITTED,
        List.of("key-" + request),
        fr,
        Instant.parse("2025-03-01T10:00:00Z"),
        null,
        at);
  }

  private static UnlearningResult result(String model, String request) {
    return new UnlearningResult(
        request,
        "corr-" + request,
        model,
        1,
        2,
        Method.DLFD,
        UnlearningResult.Status.SUCCEEDED,
        new UnlearningResult.Checkpoint(
            "s3://bucket/models/" + model + "/v2/", "sha256:" + "ef".repeat(32), 4096),
        12.5,
        null,
        Instant.parse("2025-03-01T10:01:00Z"));
  }

  /** A worker's result for a request every subject of which {@code version} had forgotten. */
  private static UnlearningResult honouredResult(String model, String request, int version) {
    return new UnlearningResult(
        request,
        "corr-" + request,
        model,
        version,
        version,
        Method.DLFD,
        UnlearningResult.Status.SUCCEEDED,
        new UnlearningResult.Checkpoint(
            "s3://bucket/models/" + model + "/v" + version + "/",
            "sha256:" + "ef".repeat(32),
            1024),
        0.2,
        null,
        Instant.parse("2025-03-01T10:01:00Z"),
        null,
        UnlearningResult.HonouredBy.EXISTING_VERSION,
        null);
  }

  private static EvaluationReportMessage evaluation(String model, String request) {
    return new EvaluationReportMessage(
        request,
        "corr-" + request,
        model,
        2,
        0.9,
        0.95,
        new EvaluationReportMessage.Mia(0.53, 0.01, List.of(0.52, 0.54)),
        0.03,
        0.78,
        List.of(new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.0300 <= 0.1")),
        true,
        Instant.parse("2025-03-01T10:02:00Z"));
  }

  private <T extends Record> void send(String topic, Contract contract, String key, T value)
      throws Exception {
    await(producer.send(topic, contract, key, value, "corr-" + key));
  }

  private java.util.Optional<ComplianceReport> reportOf(Running reg, String request) {
    try {
      HttpResponse<String> r = get(reg, "/v1/requests/" + request + "/report");
      if (r.statusCode() != 200) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          codec.decode(r.body().getBytes(StandardCharsets.UTF_8), ComplianceReport.class));
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }

  private HttpResponse<String> get(Running reg, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(reg.uri(path))
            .header(AUTH, TestTokens.bearer(TestTokens.READ))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(
      Running reg, String method, String path, String body, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(reg.uri(path))
            .header(AUTH, TestTokens.bearer(token))
            .header("content-type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String metrics(Running reg) throws Exception {
    return http.send(
            HttpRequest.newBuilder(reg.metrics()).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The oldest unhonoured request's age the registry exports for {@code model}; -1 if absent. */
  private double ageOfOldest(Running reg, String model) {
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(?m)^lethe_registry_oldest_unhonoured_request_age_seconds\\{model=\""
                      + java.util.regex.Pattern.quote(model)
                      + "\"\\} (\\S+)$")
              .matcher(metrics(reg));
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
