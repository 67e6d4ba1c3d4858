package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.AuditEvent;
import io.lethe.api.ComplianceReport;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.evaluator.EvaluatorSettings;
import io.lethe.evaluator.Gates;
import io.lethe.evaluator.NoiseRule;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.service.ErasureSettings;
import io.lethe.registry.store.DatasetStore;
import io.lethe.testutils.DashboardMetrics;
import io.lethe.testutils.Waiting;
import io.lethe.testutils.auth.TestTokens;
import io.lethe.testutils.logs.CapturedOutput;
import io.lethe.testutils.s3.BucketScan;
import io.lethe.testutils.s3.ForgottenData;
import io.minio.MinioClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The user story end to end, against real Kafka and S3 ({@link ServerEnvironment}) on real
 * Fashion-MNIST: an original small CNN that memorises its training subjects is registered, a
 * deletion event for 40 of them goes to {@code lethe.deletion-events}, and a new version comes out
 * registered, evaluated and promoted by the registry service, its subjects tombstoned in the
 * dataset snapshot in S3, while bad events of the same run are dead-lettered. Runs the same {@link
 * EmbeddedPipeline} as {@code lethe-pipeline.jar}, with the demo's setup ({@code lethe demo}'s,
 * which {@code DemoEndToEndIT} shows to memorise).
 *
 * <p>The broker may be shared with earlier ITs ({@code .ci/run}): the pipeline's consumer groups
 * carry a run id and start at the end of their topics, and model, bucket and dataset ids are unique
 * per run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int FORGET = 40;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String model = "fmnist-it-" + run;
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final HttpClient http = HttpClient.newHttpClient();

  private static final Duration PURGE_GRACE = Duration.ofSeconds(2);
  private final CapturedOutput logs = CapturedOutput.start();
  private final MessageCodec codec = new MessageCodec();
  private byte[] originalParameters;
  private BucketScan.Result before;
  private BucketScan.Result after;
  private EmbeddedPipeline pipeline;
  private PipelineRun result;
  private Set<String> subjects;
  private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();

  /** A real Prometheus scraping the services during the run (see PipelinePrometheus). */
  private PipelinePrometheus prometheus;

  /** Metric names scraped from every service while the job ran (some gauges live only then). */
  private final Set<String> seenDuringRun = ConcurrentHashMap.newKeySet();

  @BeforeAll
  void runThePipeline() throws Exception {
    assertThat(IdxDatasetReader.FASHION_MNIST_DIR)
        .as(
            "Fashion-MNIST is missing: install Debian's dataset-fashion-mnist (CI does), which"
                + " puts the IDX files in "
                + IdxDatasetReader.FASHION_MNIST_DIR)
        .isDirectory();
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    ServerConnections servers =
        new ServerConnections(
            bootstrap, s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
    DatasetSource source =
        DatasetSource.idx(
            "fashion-mnist", IdxDatasetReader.FASHION_MNIST_DIR, 2000, 2000, 10, 0.25, 0, 1);
    pipeline =
        EmbeddedPipeline.builder(servers, source, Path.of("target", "pipeline-it-" + run))
            .optModelId(model)
            .optBucket("lethe-pipeline-it-" + run)
            // lethe demo's recipe: 50 epochs of a small CNN on 1,500 images memorise them.
            .optTraining(
                TrainingRecipe.builder().optEpochs(50).optSeed(1).build(),
                EmbeddedPipeline::smallCnn)
            .optCoalesceWindow(Duration.ofSeconds(1))
            // This test is about delivery, promotion, purge and erasure, not about how much DLFD
            // forgets at this size: on 400 forget images the strongest attack's score sits near
            // its noise band either way, so the band is widened (as ServeIT and ChaosIT do) and
            // the gates' decisions are tested by EvaluatorIT and GatesTest.
            .optGates(
                EvaluatorSettings.DEFAULT_MAX_FORGETTING_SCORE,
                EvaluatorSettings.DEFAULT_MAX_NOMUS_DROP,
                new NoiseRule(
                    100, NoiseRule.DEFAULT_MIN_DROP_SIGMAS, NoiseRule.DEFAULT_MIN_ATTACK_SAMPLES))
            // A grace period short enough to see the original purged within the test.
            .optErasure(new ErasureSettings(PURGE_GRACE, Duration.ofSeconds(1)))
            .build()
            .start();
    prometheus = startPrometheus();
    subjects = UnlearningSplit.pickSubjects(pipeline.dataset(), FORGET, 7);
    originalParameters = pipeline.store().parameters(model, pipeline.original().version());
    before = scanBucket();

    publishBadEvents();
    rejectABadHttpRequest();
    ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
    try {
      scraper.scheduleWithFixedDelay(this::scrapeAll, 0, 1, TimeUnit.SECONDS);
      result = pipeline.forget(subjects, Map.of("relativeThreshold", 0.5), TIMEOUT);
    } finally {
      scraper.shutdownNow();
      scraper.awaitTermination(30, TimeUnit.SECONDS);
    }
    readDeadLetters();
    // The registry erases the subjects' samples right after the promotion and purges the original
    // once its grace period is over.
    Waiting.until(
        () ->
            report()
                .map(r -> !r.purges().isEmpty() && !r.datasetErasures().isEmpty())
                .orElse(false),
        Duration.ofSeconds(90),
        "the original purged and the dataset erased");
    after = scanBucket();
  }

  @AfterAll
  void stop() {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
      if (pipeline != null) {
        pipeline.close();
      }
    } finally {
      logs.close();
    }
  }

  @Test
  void aDeletionEventYieldsARegisteredEvaluatedAndPromotedVersion() {
    ModelVersionManifest v = result.version();
    assertThat(v.version()).isEqualTo(pipeline.original().version() + 1);
    assertThat(v.parentVersion()).isEqualTo(pipeline.original().version());
    assertThat(v.metrics()).as("evaluation summary in the registry").isNotNull();
    assertThat(result.report().version()).isEqualTo(v.version());
    assertThat(result.report().passed()).as("gates %s", result.gates()).isTrue();
    // The relative gate ran on the strongest of the five attacks and states its noise.
    assertThat(result.report().attacks()).hasSize(5);
    assertThat(result.gates())
        .filteredOn(g -> g.name().equals(Gates.FORGETTING_VS_PARENT))
        .singleElement()
        .satisfies(
            g ->
                assertThat(g.detail())
                    .contains("attack (the strongest): score")
                    .contains(
                        result.report().attacks().stream()
                            .max(
                                java.util.Comparator.comparingDouble(
                                    io.lethe.api.EvaluationReportMessage.Attack::forgettingScore))
                            .orElseThrow()
                            .name())
                    .contains("(sd "));
    assertThat(result.productionVersion()).isEqualTo(v.version());
    assertThat(pipeline.store().resolve(model, "production")).isEqualTo(v.version());
    assertThat(metrics("registry"))
        .containsPattern(
            "lethe_registry_versions_promoted_total\\{[^}]*mode=\"auto\"[^}]*\\} 1\\.0")
        .containsPattern(
            "lethe_registry_alias_version\\{[^}]*model=\""
                + model
                + "\"[^}]*\\} "
                + v.version()
                + "\\.0");
    assertThat(result.progressRecords()).as("job-progress records seen").isPositive();
  }

  @Test
  void theNewVersionsManifestNamesTheForgottenSubjects() {
    assertThat(result.version().subjectsForgotten()).containsExactlyElementsOf(subjects);
    assertThat(result.version().forgetRequestIds()).containsExactly(result.result().requestId());
  }

  @Test
  void theCheckpointDownloadedFromTheRegistryMatchesItsSha256() throws Exception {
    ModelVersionManifest v = result.version();
    byte[] parameters = pipeline.store().parameters(model, v.version());
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parameters));
    ModelVersionManifest.StoredObject stored =
        v.objects().stream()
            .filter(o -> o.key().equals(Checkpoints.PARAMETERS_FILE))
            .findFirst()
            .orElseThrow();
    assertThat(stored.sha256()).isIn(hex, "sha256:" + hex);
    assertThat(stored.bytes()).isEqualTo(parameters.length);
    assertThat(result.result().checkpoint().sha256()).isEqualTo(stored.sha256());
  }

  @Test
  void theDatasetsLatestRevisionTombstonesExactlyTheForgottenSubjects() {
    DatasetStore datasets = pipeline.datasets();
    String datasetId = pipeline.datasetId();
    assertThat(pipeline.original().datasetId()).isEqualTo(datasetId);
    assertThat(pipeline.original().datasetRevision()).isZero();
    int latest = datasets.latest(datasetId);
    assertThat(latest).as("tombstone revisions of %s", datasetId).isPositive();
    assertThat(datasets.tombstonedSubjects(datasetId, latest)).containsExactlyElementsOf(subjects);
    Map<String, List<String>> remaining = datasets.subjectSamples(datasetId, latest);
    assertThat(remaining.keySet()).doesNotContainAnyElementsOf(subjects).isNotEmpty();
    // Erased since (every model on the dataset forgot them): not even the upload holds them.
    assertThat(datasets.subjectSamples(datasetId, 0).keySet())
        .doesNotContainAnyElementsOf(subjects);
    assertThat(datasets.erasedSubjects(datasetId)).containsExactlyElementsOf(subjects);
    ModelVersionManifest v = result.version();
    assertThat(v.datasetId()).isEqualTo(datasetId);
    assertThat(v.datasetRevision()).isEqualTo(latest);
  }

  @Test
  void trainingDataForTheNextRunExcludesTheForgottenSubjects() {
    // The version's checkpoint records what it forgot, and materialising the dataset at the
    // version's revision (what the next retraining reads) yields none of those subjects' TRAIN
    // samples.
    CheckpointManifest checkpoint =
        CheckpointManifest.fromJson(
            pipeline.store().checkpointJson(model, result.version().version()));
    assertThat(checkpoint.forgottenSubjects()).containsExactlyElementsOf(subjects);
    ImageDataset next =
        pipeline.datasets().materialise(pipeline.datasetId(), result.version().datasetRevision());
    long forgottenSamples =
        pipeline.dataset().samples().stream().filter(s -> subjects.contains(s.subjectId())).count();
    assertThat(forgottenSamples).isPositive();
    assertThat(next.samples()).noneMatch(s -> subjects.contains(s.subjectId()));
    assertThat(next.size()).isEqualTo(pipeline.dataset().size() - forgottenSamples);
    assertThat(next.fingerprint())
        .as("the erased dataset keeps the identity checkpoints record")
        .isEqualTo(pipeline.dataset().fingerprint());
  }

  @Test
  void afterTheGracePeriodNoObjectHoldsAForgottenSubjectsSamplesOrTheOriginalModel() {
    System.out.printf(
        "[erasure] before forgetting: %d objects (%d bytes) scanned for %d needles, %d hold"
            + " forgotten data; after the grace period: %d objects (%d bytes), %d hold forgotten"
            + " data%n",
        before.objectsScanned(),
        before.bytesScanned(),
        needles().size(),
        before.objectsWithHits().size(),
        after.objectsScanned(),
        after.bytesScanned(),
        after.objectsWithHits().size());
    assertThat(before.objectsHolding("original parameters")).hasSize(1);
    assertThat(before.objectsWithHits()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(after.objectsWithHits()).as("objects holding forgotten data").isEmpty();
    assertThat(after.objectsScanned()).isGreaterThanOrEqualTo(before.objectsScanned());
  }

  @Test
  void theComplianceReportSaysWhatWasDoneAndWhen() {
    ComplianceReport r = report().orElseThrow();
    System.out.println("[erasure] compliance report: " + new String(codec.encode(r)));
    assertThat(r.status()).isEqualTo(ComplianceReport.Status.COMPLETED);
    assertThat(r.subjects()).isEqualTo(FORGET);
    assertThat(r.acceptedAt()).isBefore(r.completedAt());
    assertThat(r.versions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.version()).isEqualTo(result.version().version());
              assertThat(v.served()).isTrue();
              assertThat(v.forgettingScore()).isEqualTo(result.report().forgettingScore());
              assertThat(v.gates()).isEqualTo(result.report().gates());
            });
    assertThat(r.purges())
        .singleElement()
        .satisfies(p -> assertThat(p.version()).isEqualTo(pipeline.original().version()));
    assertThat(r.datasetErasures())
        .singleElement()
        .satisfies(e -> assertThat(e.datasetId()).isEqualTo(pipeline.datasetId()));
    assertThat(r.events())
        .extracting(AuditEvent::kind)
        .contains(
            AuditEvent.Kind.REQUEST_EMITTED,
            AuditEvent.Kind.UNLEARNING_SUCCEEDED,
            AuditEvent.Kind.EVALUATION_RECORDED,
            AuditEvent.Kind.ALIAS_PROMOTED,
            AuditEvent.Kind.VERSION_PURGED,
            AuditEvent.Kind.DATASET_ERASED);
  }

  @Test
  void productionCannotBeRolledBackToThePurgedOriginal() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    registryUri("/v1/models/" + model + "/aliases/production/rollback"))
                .header(TestTokens.AUTHORIZATION, "Bearer " + pipeline.tokens().admin())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // The original is gone (410) and, had it not been purged yet, predates the forgetting (409).
    assertThat(r.statusCode()).as(r.body()).isIn(409, 410);
    assertThat(pipeline.store().resolve(model, "production")).isEqualTo(result.version().version());
  }

  @Test
  void noForgottenSubjectIdIsInTheLogsOrTheMetrics() {
    String logged = logs.text();
    assertThat(logged).as("the capture works").contains("registry ready");
    StringBuilder scraped = new StringBuilder();
    for (String service : pipeline.metricsUrls().keySet()) {
      scraped.append(metrics(service));
    }
    for (String subject : subjects) {
      Pattern id = Pattern.compile("\\b" + Pattern.quote(subject) + "\\b");
      assertThat(id.matcher(logged).find()).as("%s in the logs", subject).isFalse();
      assertThat(id.matcher(scraped).find()).as("%s in the metrics", subject).isFalse();
    }
  }

  @Test
  void theNewVersionForgetsBetterThanItsParentOnTheForgottenSubjects() {
    assertThat(result.parentReport().forgettingScore())
        .as("the parent must really memorise its training subjects")
        .isGreaterThanOrEqualTo(0.05);
    assertThat(result.report().forgettingScore())
        .isLessThan(result.parentReport().forgettingScore());
  }

  @Test
  void badEventsAreDeadLetteredWithReasonsAndDoNotDisturbTheGoodOne() {
    ConsumerRecord<byte[], byte[]> notJson = deadLetter("bad-json-" + run);
    ConsumerRecord<byte[], byte[]> schema = deadLetter("bad-schema-" + run);
    for (ConsumerRecord<byte[], byte[]> r : List.of(notJson, schema)) {
      assertThat(header(r, Headers.DLQ_REASON)).isNotBlank();
      assertThat(header(r, Headers.DLQ_SOURCE_TOPIC)).isEqualTo(Topics.DELETION_EVENTS);
    }
    assertThat(header(schema, Headers.DLQ_REASON)).contains("subjectIds");
    assertThat(result.version().subjectsForgotten()).doesNotContain("nobody-" + run);
    assertThat(result.report().passed()).isTrue();
  }

  @Test
  void anEventWhoseSubjectsNoModelKnowsIsDeadLetteredAsUnprocessable() throws Exception {
    // Valid, but nothing can be forgotten: the intake dead-letters it, naming the unknown subjects,
    // rather than dropping it, so an operator sees the erasure that could not be honoured.
    ConsumerRecord<byte[], byte[]> unknown = deadLetter("unknown-" + run);
    assertThat(header(unknown, Headers.DLQ_REASON)).contains("nobody-" + run);
    assertThat(header(unknown, Headers.DLQ_SOURCE_TOPIC)).isEqualTo(Topics.DELETION_EVENTS);
    assertThat(metrics("intake"))
        .containsPattern(
            "lethe_intake_dead_letters_total\\{[^}]*reason=\"unprocessable\"[^}]*\\}"
                + " [1-9][0-9]*\\.0");
    HttpResponse<String> http422 =
        post(
            "{\"eventId\":\"evt-http-unknown-"
                + run
                + "\",\"idempotencyKey\":\"idem-http-unknown-"
                + run
                + "\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"source\":\"pipeline-it\","
                + "\"subjectIds\":[\"nobody-http-"
                + run
                + "\"]}");
    assertThat(http422.statusCode()).as(http422.body()).isEqualTo(422);
    assertThat(http422.body()).contains("nobody-http-" + run);
  }

  @Test
  void everyPromisedMetricIsExported() throws Exception {
    for (String stage : List.of("intake", "worker", "evaluator", "registry")) {
      assertThat(metrics(stage))
          .as("%s consumer metrics", stage)
          .contains(
              "lethe_" + stage + "_consumer_lag_records", "lethe_" + stage + "_dead_letters_total");
    }
    assertThat(metrics("registry"))
        .contains(
            "lethe_registry_versions_promoted_total",
            "lethe_registry_rollbacks_total",
            "lethe_registry_evaluations_seen_total",
            "lethe_registry_http_requests_total",
            "lethe_registry_bytes_downloaded_total",
            "lethe_registry_alias_version",
            "lethe_registry_versions_purged_total{by=\"grace\"} 1.0",
            "lethe_registry_dataset_subjects_erased_total " + FORGET + ".0",
            "lethe_registry_pending_purge_versions",
            "lethe_registry_erasure_sweeps_total{outcome=\"ok\"}",
            "lethe_registry_erasure_sweep_last_success_timestamp_seconds",
            // The compliance SLIs: the one request, from acceptance to promotion; none left open.
            "lethe_registry_deletion_to_promotion_seconds_count{model=\"" + model + "\"} 1",
            "lethe_registry_oldest_unhonoured_request_age_seconds{model=\"" + model + "\"} 0.0");
    // lethe_registry_promotions_skipped_total{reason} appears with the first skipped report (one
    // series per reason, created on use); this run's only report passed.
    assertThat(metrics("intake"))
        .contains(
            "lethe_intake_requests_received_total",
            "lethe_intake_requests_rejected_total",
            "lethe_intake_requests_deduplicated_total",
            "lethe_intake_unknown_subjects_total",
            "lethe_intake_forget_requests_emitted_total");
    assertThat(metrics("worker"))
        .contains(
            "lethe_worker_jobs_started_total",
            "lethe_worker_jobs_succeeded_total",
            "lethe_worker_jobs_failed_total",
            "lethe_worker_job_duration_seconds_bucket",
            "lethe_worker_dlfd_batches_total",
            "lethe_worker_checkpoint_bytes_count",
            "lethe_worker_checkpoint_bytes_sum",
            "lethe_worker_checkpoint_upload_seconds_count",
            "lethe_worker_checkpoint_upload_seconds_sum");
    assertThat(metrics("evaluator"))
        .contains(
            "lethe_evaluator_evaluations_passed_total",
            "lethe_evaluator_evaluations_failed_total",
            "lethe_evaluator_evaluation_duration_seconds",
            "lethe_evaluator_latest_nomus_ratio",
            "lethe_evaluator_latest_forgetting_score_ratio");
  }

  @Test
  void everyMetricTheDashboardQueriesIsExportedBySomeService() {
    // Per-job gauges (lethe_worker_forgetting_score_ratio) exist only while a job runs: names seen
    // during the run count as well as those exported now.
    Set<String> exported = new TreeSet<>(seenDuringRun);
    for (String service : pipeline.metricsUrls().keySet()) {
      exported.addAll(exportedNames(metrics(service)));
    }
    Set<String> referenced = DashboardMetrics.referencedMetricNames(dashboard());
    assertThat(referenced).as("names the dashboard queries").isNotEmpty();
    List<String> missing = new ArrayList<>();
    for (String name : referenced) {
      if (!exported.contains(name) && !notExportedInThisRun(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("dashboard metrics no running service exports").isEmpty();
  }

  // ---- A real Prometheus (issue 21): PipelinePrometheus scrapes every service during the run ----

  private PipelinePrometheus startPrometheus() throws Exception {
    return PipelinePrometheus.start(
            pipeline.metricsUrls(), Path.of("target", "pipeline-it-" + run, "prometheus"))
        .orElse(null);
  }

  /**
   * Metrics the dashboard queries that a successful run does not export yet, with their reasons in
   * PipelinePrometheus.EXEMPT (the registry's SLI metrics before services/registry has them, the
   * lazily registered promotions_skipped counter).
   */
  private static boolean notExportedInThisRun(String name) {
    return PipelinePrometheus.EXEMPT.keySet().stream().anyMatch(name::startsWith);
  }

  @Test
  void everyDashboardQueryAndRecordingRuleHasDataInARealPrometheus() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        prometheus != null, io.lethe.testutils.prometheus.PrometheusTools.MISSING);
    PipelinePrometheus.Outcome outcome = prometheus.check(dashboard(), Duration.ofSeconds(30));
    StringBuilder report = new StringBuilder();
    outcome
        .byQuery()
        .forEach((q, found) -> report.append(found).append("\t").append(q).append('\n'));
    Files.writeString(
        Path.of("target", "pipeline-it-" + run, "prometheus", "queries.tsv"), report.toString());
    assertThat(outcome.missing())
        .as("queries without data in Prometheus (log %s):%n%s", prometheus.logFile(), report)
        .isEmpty();
    assertThat(prometheus.unhealthyRules()).as("rules failing to evaluate").isEmpty();
    // The run dead-letters bad events on purpose: the alert fires on real data; nothing is down.
    Map<String, List<String>> firing = prometheus.firingAlerts();
    assertThat(firing).as("firing alerts").containsKey("LetheDeadLetters");
    assertThat(firing)
        .as("firing alerts")
        .doesNotContainKeys(
            "LetheServiceDown", "LetheWorkerStuck", "LetheConsumerStalled", "LetheJobsFailing");
  }

  private Map<String, byte[]> needles() {
    Map<String, byte[]> needles =
        new LinkedHashMap<>(ForgottenData.samples(pipeline.dataset(), subjects));
    needles.put("original parameters", originalParameters);
    return needles;
  }

  private BucketScan.Result scanBucket() {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    MinioClient client =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .region(s3.region())
            .build();
    return BucketScan.scan(client, pipeline.store().bucket(), needles());
  }

  private URI registryUri(String path) {
    return URI.create(pipeline.registryApiUrl() + path);
  }

  /** The forget request's compliance report, once the registry has one. */
  private java.util.Optional<ComplianceReport> report() {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(
                      registryUri("/v1/requests/" + result.result().requestId() + "/report"))
                  .header(TestTokens.AUTHORIZATION, "Bearer " + pipeline.tokens().read())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200
          ? java.util.Optional.of(codec.decode(r.body(), ComplianceReport.class))
          : java.util.Optional.empty();
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }

  private void scrapeAll() {
    for (String service : pipeline.metricsUrls().keySet()) {
      try {
        seenDuringRun.addAll(exportedNames(metrics(service)));
      } catch (AssertionError e) {
        // A scrape that fails mid-run is retried at the next tick; the test asserts on the union.
      }
    }
  }

  /**
   * Every sample name of a scrape, plus, for a histogram or summary, its base name (the dashboard
   * may query {@code x_bucket} or {@code x_sum}; then {@code x} must be a histogram or summary).
   */
  private static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
    while (sample.find()) {
      names.add(sample.group(1));
    }
    Matcher type =
        Pattern.compile("(?m)^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (histogram|summary)$")
            .matcher(scrape);
    while (type.find()) {
      names.add(type.group(1));
    }
    return names;
  }

  /** The repository's Grafana dashboard, found upwards from the module directory. */
  private static Path dashboard() {
    Path relative = Path.of("grafana", "dashboards", "lethe-pipeline.json");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new AssertionError("no " + relative + " above " + Path.of("").toAbsolutePath());
  }

  private void publishBadEvents() throws Exception {
    String valid =
        "{\"eventId\":\"evt-unknown-%s\",\"idempotencyKey\":\"idem-unknown-%s\","
            + "\"occurredAt\":\"2025-01-01T00:00:00Z\",\"source\":\"pipeline-it\","
            + "\"subjectIds\":[\"nobody-%s\"]}";
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      send(producer, "bad-json-" + run, "{not json");
      send(
          producer,
          "bad-schema-" + run,
          "{\"eventId\":\"evt-schema-"
              + run
              + "\",\"idempotencyKey\":\"idem-schema-"
              + run
              + "\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"source\":\"pipeline-it\"}");
      String unknown = String.format(valid, run, run, run);
      send(producer, "unknown-" + run, unknown);
      // The same event again: the intake de-duplicates it by idempotency key.
      send(producer, "unknown-" + run, unknown);
      producer.flush();
    }
  }

  private void send(KafkaProducer<byte[], byte[]> producer, String key, String value)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.DELETION_EVENTS,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  private void rejectABadHttpRequest() throws Exception {
    assertThat(post("{\"eventId\":\"x\"}").statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + pipeline.intakePort() + "/v1/deletions"))
            .header("content-type", "application/json")
            .header("Authorization", "Bearer " + pipeline.tokens().submit())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void readDeadLetters() {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "pipeline-it-dlq-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      consumer.subscribe(List.of(Topics.DEAD_LETTERS));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // bad-json, bad-schema and unknown (the unknown event's duplicate may be de-duplicated).
      while (System.nanoTime() < deadline
          && deadLetters.stream()
                  .map(PipelineIT::key)
                  .filter(k -> k.endsWith(run))
                  .distinct()
                  .count()
              < 3) {
        consumer.poll(Duration.ofMillis(500)).forEach(deadLetters::add);
      }
    }
  }

  private ConsumerRecord<byte[], byte[]> deadLetter(String key) {
    return deadLetters.stream()
        .filter(r -> key(r).equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no dead letter with key " + key));
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private String metrics(String service) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(pipeline.metricsUrls().get(service))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (Exception e) {
      throw new AssertionError("cannot scrape " + service + " metrics", e);
    }
  }
}
