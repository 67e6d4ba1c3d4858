package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ConsumerGroups;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.MufacLikeDataset;
import io.lethe.testutils.Waiting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator against a real broker and a real S3 server ({@link ServerEnvironment}): a tiny CNN
 * trained on a MUFAC-layout dataset is stored as v1, a DLFD run through the engine forgetting two
 * subjects is stored as v2, and a success result for v2 on {@code lethe.unlearning-results} comes
 * out as an evaluation report on {@code lethe.evaluations} and in the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluatorIT {
  private static final String MODEL = "mufac-tiny";
  private static final String MODEL_S3 = "mufac-tiny-s3";
  private static final String DATA = "mufac-tiny-data";
  private static final String MODEL_NOOP = "memorised-noop";
  private static final List<String> NOOP_SUBJECTS =
      java.util.stream.IntStream.range(0, 15).mapToObj(i -> String.format("p%04d", i)).toList();
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-evaluator-it-" + run;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private ModelStore store;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private ContractProducer producer;
  private KafkaConsumer<byte[], byte[]> outputs;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    createTopics();
    // The topic is shared with earlier tests when the broker is (.ci/run): skip their records.
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.UNLEARNING_RESULTS));
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 40, 10, 12);
    DatasetSource source = DatasetSource.csv(data.manifests(), data.imageRoot(), "mufac", 16, 1);
    ImageDataset dataset = source.load();
    String datasetVersion = dataset.fingerprint();
    ModelSpec spec =
        ModelSpec.of(
            Architecture.SMALL_CNN,
            1,
            16,
            dataset.labelSchema().numOutputs(),
            Normalization.uniform(1, 0.2860f, 0.3530f));
    Path original = dir.resolve("original");
    ModelLineage.train(
        source,
        dataset,
        spec,
        TrainingRecipe.builder().optEpochs(3).optBatchSize(32).optLearningRate(0.05f).build(),
        original,
        ProgressListener.NONE);
    Path unlearned = dir.resolve("unlearned");
    ModelLineage.unlearn(
        original,
        dataset,
        new Dlfd(DlfdConfig.builder().optPerturbationSteps(2).optScoreSampleSize(64).build()),
        Set.of("p0001", "p0002"),
        unlearned,
        ProgressListener.NONE);

    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(),
            s3.accessKey(),
            s3.secretKey(),
            s3.region(),
            "lethe-evaluator-it-" + run);
    store = new ModelStore(s3Settings);
    store.putVersion(MODEL, version(Method.TRAIN, original, datasetVersion).build());
    // The same two versions once more, naming a dataset snapshot in the registry, with checkpoints
    // whose recorded data directory does not exist: an evaluator on another machine.
    DatasetStore datasets = new DatasetStore(s3Settings);
    datasets.putSnapshot(DATA, dataset);
    int revision = datasets.tombstone(DATA, List.of("p0001", "p0002")).version();
    store.putVersion(
        MODEL_S3, elsewhere(Method.TRAIN, original, datasetVersion).optDataset(DATA, 0).build());
    store.putVersion(
        MODEL_S3,
        elsewhere(Method.DLFD, unlearned, datasetVersion)
            .optParentVersion(1)
            .optForgetRequestIds(List.of("fr-s3-" + run))
            .optSubjectsForgotten(List.of("p0001", "p0002"))
            .optDataset(DATA, revision)
            .build());
    store.putVersion(
        MODEL,
        version(Method.DLFD, unlearned, datasetVersion)
            .optParentVersion(1)
            .optForgetRequestIds(List.of("fr-v2-" + run))
            .optSubjectsForgotten(List.of("p0001", "p0002"))
            .build());

    noOpVersions();

    outputs =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-reader-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
    outputs.subscribe(List.of(Topics.EVALUATIONS));

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("evaluator");
    KafkaSettings kafka = new KafkaSettings(bootstrap, "evaluator-it-" + run, group);
    EvaluatorSettings settings = EvaluatorSettings.defaults(s3Settings);
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v -> new Evaluator(v, kafka, settings, metrics)));
    producer = new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, group), codec);
    await(producer.start());
  }

  /**
   * {@value #MODEL_NOOP}: v1 a small CNN trained for many epochs on noise with random labels, so it
   * memorises its training subjects (a clear loss-attack signal); v2 the same parameters
   * re-registered as a DLFD version that forgot {@link #NOOP_SUBJECTS}: an "unlearning" that did
   * nothing.
   */
  private void noOpVersions() throws Exception {
    Path data = dir.resolve("memorisable");
    DatasetSource source =
        DatasetSource.csv(
            MemorisableDataset.write(data, 16, 10, 30, 5, 15, 7),
            data.resolve("images"),
            "mufac",
            16,
            1);
    ImageDataset dataset = source.load();
    ModelSpec spec =
        ModelSpec.of(
            Architecture.SMALL_CNN,
            1,
            16,
            dataset.labelSchema().numOutputs(),
            Normalization.uniform(1, 0.5f, 0.29f));
    Path trained = dir.resolve("memorised");
    long start = System.nanoTime();
    ModelLineage.train(
        source,
        dataset,
        spec,
        TrainingRecipe.builder().optEpochs(50).optBatchSize(20).optLearningRate(0.05f).build(),
        trained,
        ProgressListener.NONE);
    System.out.printf("memorised model trained in %.1f s%n", (System.nanoTime() - start) / 1e9);
    store.putVersion(MODEL_NOOP, version(Method.TRAIN, trained, dataset.fingerprint()).build());
    store.putVersion(
        MODEL_NOOP,
        version(Method.DLFD, trained, dataset.fingerprint())
            .optParentVersion(1)
            .optForgetRequestIds(List.of("fr-noop-" + run))
            .optSubjectsForgotten(NOOP_SUBJECTS)
            .build());
  }

  /** A version whose checkpoint's recorded dataset directory points nowhere. */
  private static NewVersion.Builder elsewhere(Method method, Path checkpoint, String datasetVersion)
      throws Exception {
    String json =
        Files.readString(checkpoint.resolve(Checkpoints.MANIFEST_FILE))
            .replace(dir.toString(), "/nonexistent/lethe-evaluator-it");
    assertThat(json).contains("/nonexistent/lethe-evaluator-it");
    return NewVersion.builder(
        method,
        json,
        Files.readAllBytes(checkpoint.resolve(Checkpoints.PARAMETERS_FILE)),
        datasetVersion);
  }

  private static NewVersion.Builder version(Method method, Path checkpoint, String datasetVersion)
      throws Exception {
    return NewVersion.builder(
        method,
        Files.readString(checkpoint.resolve(Checkpoints.MANIFEST_FILE)),
        Files.readAllBytes(checkpoint.resolve(Checkpoints.PARAMETERS_FILE)),
        datasetVersion);
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
    if (outputs != null) {
      outputs.close();
    }
  }

  @Test
  void aSuccessfulResultIsEvaluatedGatedAndRecorded() throws Exception {
    ModelVersionManifest v2 = store.manifest(MODEL, 2);
    UnlearningResult result =
        new UnlearningResult(
            "fr-v2-" + run,
            "corr-body-" + run,
            MODEL,
            1,
            2,
            Method.DLFD,
            UnlearningResult.Status.SUCCEEDED,
            new UnlearningResult.Checkpoint(
                v2.checkpointUri(), v2.objects().get(0).sha256(), v2.objects().get(0).bytes()),
            1.5,
            null,
            Instant.now());
    RecordMetadata sent =
        await(producer.send(Contract.UNLEARNING_RESULT, MODEL, result, "corr-v2-" + run));

    EvaluationReportMessage report = awaitReport("fr-v2-" + run);
    assertThat(report.modelId()).isEqualTo(MODEL);
    assertThat(report.version()).isEqualTo(2);
    assertThat(report.correlationId()).isEqualTo("corr-v2-" + run);
    assertThat(report.testAccuracy()).isBetween(0.0, 1.0);
    assertThat(report.testTop2Accuracy()).isBetween(report.testAccuracy(), 1.0);
    assertThat(report.mia().accuracy()).isBetween(0.0, 1.0);
    assertThat(report.mia().perSplitAccuracy()).isNotEmpty();
    assertThat(report.forgettingScore())
        .isBetween(0.0, 0.5)
        .isCloseTo(
            Math.abs(report.mia().accuracy() - 0.5), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(report.nomus()).isBetween(0.0, 1.0);
    assertThat(report.gates())
        .extracting(EvaluationReportMessage.Gate::name)
        .containsExactly(
            Gates.MAX_FORGETTING_SCORE,
            Gates.MAX_NOMUS_DROP,
            Gates.FORGETTING_VS_PARENT,
            Gates.MAX_ACCURACY_DROP);
    assertThat(report.gates().get(0).passed()).isEqualTo(report.forgettingScore() <= 0.1);
    assertThat(report.gates().get(1).detail()).contains("vs parent");
    assertThat(report.passed())
        .isEqualTo(report.gates().stream().allMatch(EvaluationReportMessage.Gate::passed));

    ConsumerRecord<byte[], byte[]> raw = reportRecord("fr-v2-" + run).orElseThrow();
    assertThat(new String(raw.key(), StandardCharsets.UTF_8)).isEqualTo(MODEL);
    assertThat(
            new String(
                raw.headers().lastHeader(Headers.CORRELATION_ID).value(), StandardCharsets.UTF_8))
        .isEqualTo("corr-v2-" + run);

    assertThat(store.evaluation(MODEL, 2)).contains(report);
    assertThat(store.manifest(MODEL, 2).metrics().nomus()).isEqualTo(report.nomus());
    assertThat(store.evaluation(MODEL, 1)).isEmpty(); // the parent's own subjects differ

    waitFor(() -> committed(sent) > sent.offset(), "offset committed after the report");
    String scrape = get(running.httpPort(), "/metrics");
    String counter =
        report.passed()
            ? "lethe_evaluator_evaluations_passed_total"
            : "lethe_evaluator_evaluations_failed_total";
    // At least this one (the other model's evaluation may have been counted first).
    assertThat(scrape).containsPattern("(?m)^" + counter + "(\\{[^}]*\\})? [1-9][0-9]*\\.0$");
    assertThat(scrape)
        .containsPattern("(?m)^lethe_evaluator_latest_nomus_ratio\\{model=\"" + MODEL);
    assertThat(scrape)
        .containsPattern("(?m)^lethe_evaluator_latest_forgetting_score_ratio\\{model=\"" + MODEL);
    assertThat(scrape).contains("lethe_evaluator_evaluation_duration_seconds_count");

    double counted = counterValue(scrape, counter);

    // Redelivery (at least once): the write-once evaluation is re-announced, not recomputed.
    RecordMetadata again =
        await(producer.send(Contract.UNLEARNING_RESULT, MODEL, result, "corr-v2-" + run));
    waitFor(() -> reportsOf("fr-v2-" + run).size() == 2, "the re-announced report");
    assertThat(reportsOf("fr-v2-" + run)).containsOnly(report);
    waitFor(() -> committed(again) > again.offset(), "offset of the redelivery committed");
    assertThat(counterValue(get(running.httpPort(), "/metrics"), counter)).isEqualTo(counted);
  }

  private static double counterValue(String scrape, String counter) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^" + counter + "(?:\\{[^}]*\\})? ([0-9.]+)$")
            .matcher(scrape);
    assertThat(m.find()).as(counter + " in the scrape").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private List<EvaluationReportMessage> reportsOf(String requestId) {
    reportRecord(requestId);
    return seen.stream()
        .map(r -> codec.decode(r.value(), EvaluationReportMessage.class))
        .filter(r -> r.requestId().equals(requestId))
        .toList();
  }

  @Test
  void aVersionNamingARegistryDatasetIsMeasuredOnItsSnapshotWithoutLocalData() throws Exception {
    ModelVersionManifest v2 = store.manifest(MODEL_S3, 2);
    UnlearningResult result =
        new UnlearningResult(
            "fr-s3-" + run,
            "corr-s3-" + run,
            MODEL_S3,
            1,
            2,
            Method.DLFD,
            UnlearningResult.Status.SUCCEEDED,
            new UnlearningResult.Checkpoint(
                v2.checkpointUri(), v2.objects().get(0).sha256(), v2.objects().get(0).bytes()),
            1.5,
            null,
            Instant.now());
    await(producer.send(Contract.UNLEARNING_RESULT, MODEL_S3, result, "corr-s3-" + run));

    EvaluationReportMessage report = awaitReport("fr-s3-" + run);
    assertThat(report.modelId()).isEqualTo(MODEL_S3);
    assertThat(report.mia().perSplitAccuracy()).isNotEmpty();
    assertThat(store.evaluation(MODEL_S3, 2)).contains(report);
  }

  /** Done-when of issue 22, item 2: a no-op "unlearning" is rejected by the gates. */
  @Test
  void theParentsParametersReRegisteredAreRejectedAsChangingNothing() throws Exception {
    ModelVersionManifest v2 = store.manifest(MODEL_NOOP, 2);
    assertThat(VersionEvaluation.parametersHash(v2))
        .isEqualTo(VersionEvaluation.parametersHash(store.manifest(MODEL_NOOP, 1)));
    UnlearningResult result =
        new UnlearningResult(
            "fr-noop-" + run,
            "corr-noop-" + run,
            MODEL_NOOP,
            1,
            2,
            Method.DLFD,
            UnlearningResult.Status.SUCCEEDED,
            new UnlearningResult.Checkpoint(
                v2.checkpointUri(), v2.objects().get(0).sha256(), v2.objects().get(0).bytes()),
            1.0,
            null,
            Instant.now());
    await(producer.send(Contract.UNLEARNING_RESULT, MODEL_NOOP, result, "corr-noop-" + run));

    EvaluationReportMessage report = awaitReport("fr-noop-" + run);
    EvaluationReportMessage.Gate relative =
        report.gates().stream()
            .filter(g -> g.name().equals(Gates.FORGETTING_VS_PARENT))
            .findFirst()
            .orElseThrow();
    System.out.printf(
        "no-op v2: MIA %.4f sd %.4f forgetting %.4f; %s%n",
        report.mia().accuracy(), report.mia().std(), report.forgettingScore(), relative);
    // The signal is clear: the memorised subjects are told apart well beyond the attack's noise,
    // so only the "changed nothing" rule can reject it, and it must.
    assertThat(report.forgettingScore()).isGreaterThan(2 * report.mia().std());
    assertThat(relative.passed()).isFalse();
    assertThat(relative.detail())
        .startsWith("changed nothing: the parameters are the parent's")
        .contains(
            report.attacks().stream()
                .max(
                    java.util.Comparator.comparingDouble(
                        EvaluationReportMessage.Attack::forgettingScore))
                .map(
                    a ->
                        String.format(
                            java.util.Locale.ROOT,
                            "%s attack (the strongest): score %.4f",
                            a.name(),
                            a.forgettingScore()))
                .orElseThrow());
    assertThat(report.passed()).isFalse();
    // The registry promotes only a version whose stored evaluation passed (PromotionRule:
    // gates_failed otherwise).
    assertThat(store.evaluation(MODEL_NOOP, 2))
        .hasValueSatisfying(e -> assertThat(e.passed()).isFalse());
  }

  @Test
  void aFailureResultIsSkippedAndCommitted() throws Exception {
    UnlearningResult failure =
        new UnlearningResult(
            "fr-failed-" + run,
            "corr-failed-" + run,
            MODEL,
            1,
            null,
            Method.DLFD,
            UnlearningResult.Status.FAILED,
            null,
            0.1,
            "IllegalArgumentException: no",
            Instant.now());
    RecordMetadata sent =
        await(producer.send(Contract.UNLEARNING_RESULT, MODEL, failure, "corr-failed-" + run));
    waitFor(() -> committed(sent) > sent.offset(), "offset of the failure result committed");
    assertThat(get(running.httpPort(), "/metrics"))
        .containsPattern("(?m)^lethe_evaluator_failure_results_skipped_total(\\{[^}]*\\})? [1-9]");
    assertThat(reportRecord("fr-failed-" + run)).isEmpty();
  }

  private EvaluationReportMessage awaitReport(String requestId) throws InterruptedException {
    waitFor(() -> reportRecord(requestId).isPresent(), "a report for " + requestId);
    return codec.decode(
        reportRecord(requestId).orElseThrow().value(), EvaluationReportMessage.class);
  }

  private Optional<ConsumerRecord<byte[], byte[]>> reportRecord(String requestId) {
    for (ConsumerRecord<byte[], byte[]> r : outputs.poll(Duration.ofMillis(200))) {
      seen.add(r);
    }
    return seen.stream()
        .filter(
            r ->
                codec
                    .decode(r.value(), EvaluationReportMessage.class)
                    .requestId()
                    .equals(requestId))
        .findFirst();
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
    KafkaTopics.ensure(
        bootstrap, List.of(Topics.UNLEARNING_RESULTS, Topics.EVALUATIONS, Topics.DEAD_LETTERS));
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Waiting.until(condition, TIMEOUT, what);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
