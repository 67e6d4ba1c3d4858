package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lethe.api.Contract;
import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
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
import io.lethe.service.limits.HyperparameterLimits;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.MufacLikeDataset;
import io.lethe.testutils.Waiting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bounded work against a real broker and S3 server: a worker with a time budget of a few seconds
 * and an operator limit of {@code retrain.epochs=1..100000}. A retrain for 100,000 epochs is cut
 * off at its budget with a reason and the next request for the same model runs; a request for two
 * billion epochs fails on the limit before anything is loaded; a DLFD or retraining run stopped by
 * its budget leaves no scratch files and no version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobBoundsIT {
  private static final Duration BUDGET = Duration.ofSeconds(5);

  /**
   * The budget is checked between engine steps, so a job overruns by up to one step plus the
   * unwinding. Measured here: 0.0-0.5 s warm, but a cold first DLFD step (PyTorch warm-up, the
   * first perturbation) on a shared 2-core machine took up to 2.8 s, hence 5 s.
   */
  private static final double SLACK_SECONDS = 5.0;

  private static final Pattern TOOK = Pattern.compile("after (\\d+\\.\\d) s in stage train");
  private static final String MODEL = "bounds-tiny";
  private static final String DATA = "bounds-tiny-data";
  private static final String MODEL_DIRECT = "bounds-tiny-direct";
  private static final String DATA_DIRECT = "bounds-tiny-data-direct";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-worker-bounds-it-" + run;
  private final HyperparameterLimits limits =
      HyperparameterLimits.parse("retrain.epochs=1..100000,dlfd.epochs=1..100000");

  @TempDir static Path dir;
  private String datasetVersion;
  private ModelStore store;
  private DatasetStore datasets;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private ContractProducer producer;
  private KafkaConsumer<byte[], byte[]> outputs;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    KafkaTopics.ensure(
        bootstrap,
        List.of(
            Topics.FORGET_REQUESTS,
            Topics.JOB_PROGRESS,
            Topics.UNLEARNING_RESULTS,
            Topics.DEAD_LETTERS));
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.FORGET_REQUESTS));
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 40, 10, 12);
    DatasetSource source = DatasetSource.csv(data.manifests(), data.imageRoot(), "mufac", 16, 1);
    ImageDataset dataset = source.load();
    datasetVersion = dataset.fingerprint();
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
        TrainingRecipe.builder().optEpochs(1).optBatchSize(32).optLearningRate(0.05f).build(),
        original,
        ProgressListener.NONE);

    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-bounds-it-" + run);
    store = new ModelStore(s3Settings);
    datasets = new DatasetStore(s3Settings);
    for (String[] modelAndData : new String[][] {{MODEL, DATA}, {MODEL_DIRECT, DATA_DIRECT}}) {
      datasets.putSnapshot(modelAndData[1], dataset);
      store.putVersion(
          modelAndData[0],
          NewVersion.builder(
                  Method.TRAIN,
                  Files.readString(original.resolve(Checkpoints.MANIFEST_FILE)),
                  Files.readAllBytes(original.resolve(Checkpoints.PARAMETERS_FILE)),
                  datasetVersion)
              .optDataset(modelAndData[1], 0)
              .build());
    }

    outputs =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bounds-it-reader-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
    outputs.subscribe(List.of(Topics.UNLEARNING_RESULTS, Topics.JOB_PROGRESS));

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("worker");
    KafkaSettings kafka = new KafkaSettings(bootstrap, "worker-bounds-it-" + run, group);
    WorkerSettings settings =
        new WorkerSettings(s3Settings, 1).withJobTimeout(BUDGET).withHyperparameterLimits(limits);
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v -> new Worker(v, kafka, settings, metrics)));
    producer = new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, group), codec);
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
    if (outputs != null) {
      outputs.close();
    }
  }

  @Test
  void aJobPastItsBudgetFailsWithTheReasonAndTheModelsNextRequestRuns() throws Exception {
    ForgetRequest endless =
        request("fr-endless-" + run, MODEL, List.of("p0001"), Map.of("epochs", 100_000));
    ForgetRequest small =
        request("fr-small-" + run, MODEL, List.of("p0002"), Map.of("epochs", 1, "batchSize", 32));
    // Both queued at once, same key: the small one waits behind the endless one.
    await(producer.send(Contract.FORGET_REQUEST, MODEL, endless, endless.correlationId()));
    await(producer.send(Contract.FORGET_REQUEST, MODEL, small, small.correlationId()));

    UnlearningResult cut = awaitResult(endless.requestId());
    assertThat(cut.status()).isEqualTo(UnlearningResult.Status.FAILED);
    assertThat(cut.error())
        .startsWith("JobTimedOutException: exceeded its time budget of PT5S after ")
        .containsPattern("in stage train \\(step \\d+/\\d+\\)")
        .contains("WORKER_JOB_TIMEOUT");
    Matcher took = TOOK.matcher(cut.error());
    assertThat(took.find()).as(cut.error()).isTrue();
    double seconds = Double.parseDouble(took.group(1));
    assertThat(seconds).isBetween(5.0, 5.0 + SLACK_SECONDS);
    assertThat(cut.seconds()).isLessThan(BUDGET.toSeconds() + SLACK_SECONDS);
    assertThat(cut.version()).isNull();
    System.out.printf(
        "JobBoundsIT: budget %s, cut off after %.1f s (job %.2f s): %s%n",
        BUDGET, seconds, cut.seconds(), cut.error());

    UnlearningResult next = awaitResult(small.requestId());
    assertThat(next.status()).as("%s", next.error()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(next.version()).isEqualTo(2);
    assertThat(next.parentVersion()).isEqualTo(1);
    assertThat(store.versions(MODEL)).containsExactly(1, 2);
    assertThat(store.manifest(MODEL, 2).forgetRequestIds()).containsExactly(small.requestId());
    System.out.printf("JobBoundsIT: the next request took %.2f s%n", next.seconds());
  }

  @Test
  void twoBillionEpochsFailOnTheLimitBeforeAnythingIsLoaded() throws Exception {
    ForgetRequest absurd =
        request("fr-absurd-" + run, MODEL, List.of("p0003"), Map.of("epochs", 2_000_000_000));
    await(producer.send(Contract.FORGET_REQUEST, MODEL, absurd, absurd.correlationId()));

    UnlearningResult result = awaitResult(absurd.requestId());
    assertThat(result.status()).isEqualTo(UnlearningResult.Status.FAILED);
    assertThat(result.error())
        .isEqualTo(
            "IllegalArgumentException: hyperparameters outside the operator's limits:"
                + " $.hyperparameters.epochs: must be in 1..100000, got 2000000000"
                + " (limit retrain.epochs; operators set it in LETHE_HYPERPARAMETER_LIMITS)");
    assertThat(result.seconds()).isLessThan(1.0);
    System.out.printf("JobBoundsIT: limit refusal took %.3f s of job time%n", result.seconds());
    // Refused before the loading stage: its only progress is the failure.
    assertThat(progressOf(absurd.requestId()))
        .extracting(JobProgress::stage)
        .containsExactly(JobProgress.Stage.FAILED);
    assertThat(
            store.versions(MODEL).stream()
                .map(v -> store.manifest(MODEL, v).forgetRequestIds())
                .flatMap(List::stream))
        .doesNotContain(absurd.requestId());
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"DLFD", "RETRAIN"})
  void aJobCutOffByItsBudgetLeavesNoVersion(Method method) throws Exception {
    // The job holds the parent and its result in memory: it has no directory to leave behind.
    UnlearningJob job =
        new UnlearningJob(store, datasets).optLimits(limits).optTimeBudget(Duration.ofSeconds(2));
    ForgetRequest endless =
        request(
            "fr-direct-" + method + "-" + run,
            MODEL_DIRECT,
            method,
            List.of("p0004"),
            // Small DLFD steps, so that the budget, not one long step, decides when it ends.
            method == Method.DLFD
                ? Map.of("epochs", 100_000, "perturbationSteps", 2, "scoreSampleSize", 64)
                : Map.of("epochs", 100_000));
    List<JobProgress> progress = new ArrayList<>();
    JobProgressReporter reporter =
        new JobProgressReporter(
            endless,
            endless.correlationId(),
            progress::add,
            (stage, score) -> {},
            Clock.systemUTC(),
            System::nanoTime,
            Duration.ofMillis(100));

    long start = System.nanoTime();
    JobTimedOutException cut =
        catchThrowableOfType(JobTimedOutException.class, () -> job.run(endless, reporter));
    double took = (System.nanoTime() - start) / 1e9;

    assertThat(cut).isNotNull();
    assertThat(cut)
        .hasMessageStartingWith("exceeded its time budget of PT2S after ")
        .hasMessageContaining("in stage " + (method == Method.DLFD ? "dlfd" : "train") + " (step ");
    System.out.printf(
        "JobBoundsIT: %s run returned after %.2f s: %s%n", method, took, cut.getMessage());
    assertThat(took).isLessThan(2 + SLACK_SECONDS);
    // The engine really ran (the budget stopped training, not loading).
    assertThat(progress)
        .anySatisfy(
            p -> {
              assertThat(p.stage()).isEqualTo(JobProgress.Stage.UNLEARNING);
              assertThat(p.step()).isPositive();
            });
    assertThat(store.versions(MODEL_DIRECT)).containsExactly(1);
  }

  private ForgetRequest request(
      String id, String model, List<String> subjects, Map<String, Object> hyperparameters) {
    return request(id, model, Method.RETRAIN, subjects, hyperparameters);
  }

  private ForgetRequest request(
      String id,
      String model,
      Method method,
      List<String> subjects,
      Map<String, Object> hyperparameters) {
    return new ForgetRequest(
        id,
        "corr-" + id,
        model,
        1,
        method,
        hyperparameters,
        subjects,
        subjects.stream().map(s -> s + "_0.png").toList(),
        List.of("evt-" + id),
        datasetVersion,
        Instant.now());
  }

  private UnlearningResult awaitResult(String requestId) throws InterruptedException {
    Waiting.until(() -> resultRecord(requestId).isPresent(), TIMEOUT, "a result for " + requestId);
    return codec.decode(resultRecord(requestId).orElseThrow().value(), UnlearningResult.class);
  }

  private Optional<ConsumerRecord<byte[], byte[]>> resultRecord(String requestId) {
    pollOutputs();
    return seen.stream()
        .filter(r -> r.topic().equals(Topics.UNLEARNING_RESULTS))
        .filter(r -> codec.decode(r.value(), UnlearningResult.class).requestId().equals(requestId))
        .findFirst();
  }

  private List<JobProgress> progressOf(String requestId) {
    pollOutputs();
    return seen.stream()
        .filter(r -> r.topic().equals(Topics.JOB_PROGRESS))
        .map(r -> codec.decode(r.value(), JobProgress.class))
        .filter(p -> p.requestId().equals(requestId))
        .toList();
  }

  private void pollOutputs() {
    for (ConsumerRecord<byte[], byte[]> r : outputs.poll(Duration.ofMillis(200))) {
      seen.add(r);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
