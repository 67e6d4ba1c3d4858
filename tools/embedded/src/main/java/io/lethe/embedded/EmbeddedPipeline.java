package io.lethe.embedded;

import io.lethe.api.Contract;
import io.lethe.api.DeletionEvent;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.CheckpointRequirements;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.evaluator.Evaluator;
import io.lethe.evaluator.EvaluatorSettings;
import io.lethe.evaluator.NoiseRule;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ConsumerGroups;
import io.lethe.intake.IntakeService;
import io.lethe.intake.IntakeSettings;
import io.lethe.intake.RegistryCatalogSettings;
import io.lethe.intake.RegistryModelCatalog;
import io.lethe.registry.service.ErasureSettings;
import io.lethe.registry.service.Registry;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.LedgerTopic;
import io.lethe.service.metrics.Metrics;
import io.lethe.worker.Worker;
import io.lethe.worker.WorkerSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The whole service pipeline in one process: the dataset uploaded to the registry as a snapshot
 * ({@link DatasetStore}), an original model trained on it registered as v1 naming that dataset,
 * with the {@code production} alias, then intake (resolving subjects through the registry: {@link
 * RegistryModelCatalog}), worker, evaluator and the registry service ({@link Registry}: HTTP API
 * and automatic promotion) started in-process on one Vert.x (each with its own {@code /metrics} and
 * {@code /health}), against real Kafka and S3 servers. {@link #forget} publishes one deletion event
 * and follows it through {@code lethe.job-progress}, {@code lethe.unlearning-results} and {@code
 * lethe.evaluations} until the new version is evaluated and, if it passed, the registry's API shows
 * {@code production} on it.
 *
 * <p>Each start is a run of its own: its consumer groups carry a run id and are positioned at the
 * end of their topics before the services join (a shared broker holds earlier runs' records), and
 * its dataset id carries the run id too (an earlier run's tombstones on the same data would make
 * this run's subjects unknown). {@link Builder#optServing} is the long-running variant: stable
 * groups that resume from their committed offsets, the registered model reused, the tokens kept in
 * a file; {@link PipelineServer} keeps it serving and drains it.
 *
 * <pre>{@code
 * try (EmbeddedPipeline pipeline =
 *     EmbeddedPipeline.builder(servers, source, workDir).build().start()) {
 *   PipelineRun run = pipeline.forget(subjects, Map.of(), Duration.ofMinutes(10));
 * }
 * }</pre>
 *
 * Blocking: call it from a plain thread, never from an event loop.
 */
public final class EmbeddedPipeline implements AutoCloseable {
  /** Evaluator settings the parent's baseline is measured with, so both rows compare. */
  private static final int EVALUATION_BATCH = 64;

  private static final long EVALUATION_SEED = 0;

  private final ServerConnections servers;
  private final DatasetSource source;
  private final Path workDir;
  private final String modelId;
  private final String bucket;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final String datasetIdOption;
  private final Path original;
  private final Path torchScript;
  private final Path torchScriptDescriptor;
  private final TrainingRecipe recipe;
  private final Function<ImageDataset, ModelSpec> spec;
  private final int httpPortBase;
  private final Duration coalesceWindow;
  private final double maxForgettingScore;
  private final double maxNomusDrop;
  private final double maxAccuracyDrop;
  private final NoiseRule noise;
  private final int partitions;
  private final ProgressListener progress;
  private final PrintStream log;
  private final String groupPrefix;
  private final Path tokensFileOption;
  private final MessageCodec codec = new MessageCodec();

  private ImageDataset dataset;
  private String datasetId;
  private ModelStore store;
  private DatasetStore datasets;
  private ModelVersionManifest registered;
  private Path originalDir;
  private double originalSeconds = Double.NaN;
  private Vertx vertx;
  private IntakeService intake;
  private String catalogDeployment;
  private String intakeDeployment;
  private ServiceLauncher.Running worker;
  private Metrics workerMetrics;
  private boolean reused;
  private ServiceLauncher.Running evaluator;
  private Registry registry;
  private ServiceLauncher.Running registryService;
  private RegistryApiClient registryApi;
  private ContractProducer producer;
  private final Map<String, String> metricsUrls = new LinkedHashMap<>();
  private final ErasureSettings erasure;
  private PipelineTokens tokens;
  private Path tokensFile;

  private EmbeddedPipeline(Builder b) {
    this.servers = b.servers;
    this.source = b.source;
    this.workDir = b.workDir;
    this.modelId = b.modelId;
    this.bucket = b.bucket;
    this.datasetIdOption = b.datasetId;
    this.original = b.original;
    this.torchScript = b.torchScript;
    this.torchScriptDescriptor = b.torchScriptDescriptor;
    this.recipe = b.recipe;
    this.spec = b.spec;
    this.httpPortBase = b.httpPortBase;
    this.coalesceWindow = b.coalesceWindow;
    this.erasure = b.erasure;
    this.maxForgettingScore = b.maxForgettingScore;
    this.maxNomusDrop = b.maxNomusDrop;
    this.maxAccuracyDrop = b.maxAccuracyDrop;
    this.noise = b.noise;
    this.partitions = b.partitions;
    this.progress = b.progress;
    this.log = b.log;
    this.groupPrefix = b.groupPrefix;
    this.tokensFileOption = b.tokensFile;
  }

  /**
   * @param servers the Kafka and S3 servers to use
   * @param source the dataset the original is trained on (and the services reload)
   * @param workDir scratch space: a trained original goes to {@code run-<run id>/original}
   */
  public static Builder builder(ServerConnections servers, DatasetSource source, Path workDir) {
    return new Builder(servers, source, workDir);
  }

  /**
   * Loads the dataset, uploads it to the registry, trains (or loads) the original, registers it
   * with the {@code production} alias ({@link OriginalRegistration}), creates the topics and starts
   * intake, worker, evaluator and the registry service. On failure, whatever started is stopped
   * again.
   */
  public EmbeddedPipeline start() throws Exception {
    try {
      dataset = source.load();
      S3Settings s3 = servers.s3(bucket);
      store = new ModelStore(s3);
      datasets = new DatasetStore(s3);
      OriginalRegistration.Builder registrationBuilder =
          OriginalRegistration.builder(store, datasets, source, workDir)
              .optModelId(modelId)
              .optRunId(runId)
              .optDatasetId(datasetIdOption)
              .optOriginal(original)
              .optTraining(recipe, spec)
              .optProgress(progress)
              .optLog(log);
      if (torchScript != null) {
        registrationBuilder.optTorchScript(torchScript, torchScriptDescriptor);
      }
      OriginalRegistration registration = registrationBuilder.build();
      if (!reuseRegistered(registration)) {
        OriginalRegistration.Result r = registration.register(dataset);
        registered = r.version();
        datasetId = r.datasetId();
        originalDir = r.originalDir().orElseThrow();
        originalSeconds = r.trainingSeconds();
      }
      PipelineTopics.ensure(servers.kafkaBootstrapServers(), partitions);
      startServices(s3);
      return this;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Serving mode with a model already in the registry (an earlier run on the same bucket): its
   * production version and dataset are reused, nothing is uploaded or trained.
   */
  private boolean reuseRegistered(OriginalRegistration registration) {
    if (groupPrefix == null) {
      return false;
    }
    Optional<ModelVersionManifest> production = registration.production();
    if (production.isEmpty()) {
      return false;
    }
    registered = production.get();
    if (!registered.datasetVersion().equals(dataset.fingerprint())) {
      log.printf(
          "registry: note: %s was trained on dataset %s, the dataset options select %s%n",
          modelId, registered.datasetVersion(), dataset.fingerprint());
    }
    datasetId = registered.datasetId();
    reused = true;
    log.printf(
        "registry: %s already registered, production v%d (dataset %s): reused, not retrained%n",
        modelId, registered.version(), datasetId);
    return true;
  }

  private void startServices(S3Settings s3) throws Exception {
    if (tokensFileOption == null) {
      tokens = PipelineTokens.generate();
      tokensFile = tokens.write(workDir.resolve("run-" + runId));
      log.printf("api: bearer tokens of this run in %s (owner-only)%n", tokensFile);
    } else {
      boolean existed = Files.exists(tokensFileOption);
      tokens = PipelineTokens.readOrCreate(tokensFileOption);
      tokensFile = tokensFileOption;
      log.printf(
          "api: bearer tokens in %s (owner-only, %s)%n",
          tokensFile, existed ? "kept from an earlier run" : "new");
    }
    vertx = Vertx.vertx();
    String bootstrap = servers.kafkaBootstrapServers();
    if (groupPrefix == null) {
      positionGroups();
    } else {
      ensureLedger();
      ServingGroups.positionNew(bootstrap, groupPrefix, log);
    }

    // The registry first: it answers for the alias the run waits on.
    Metrics registryMetrics = new Metrics(RegistrySettings.SERVICE);
    RegistrySettings registrySettings =
        RegistrySettings.defaults(kafka(RegistrySettings.SERVICE), http(4), s3, tokens.auth())
            .withErasure(erasure);
    registryService =
        await(
            ServiceLauncher.launch(
                vertx,
                http(3),
                registryMetrics.registry(),
                v -> registry = new Registry(v, registrySettings, registryMetrics)));
    metricsUrls.put("registry", url(registryService.httpPort()));
    registryApi = new RegistryApiClient(URI.create(base(registry.apiPort())), tokens.read());

    // Subjects resolve through the registry: models at production, samples from the dataset's
    // latest revision, so a subject tombstoned by an earlier forgetting is no longer resolved.
    RegistryCatalogSettings catalogSettings =
        RegistryCatalogSettings.of(s3, RegistryCatalogSettings.DEFAULT_REFRESH);
    RegistryModelCatalog catalog =
        new RegistryModelCatalog(vertx, store, datasets, catalogSettings.refresh());
    catalogDeployment = await(vertx.deployVerticle(new ComponentVerticle(v -> catalog)));
    IntakeSettings intakeSettings =
        new IntakeSettings(
            kafka(IntakeSettings.SERVICE),
            http(0),
            coalesceWindow,
            null,
            catalogSettings,
            tokens.auth());
    intake = new IntakeService(vertx, intakeSettings, catalog, new Metrics(IntakeSettings.SERVICE));
    intakeDeployment = await(vertx.deployVerticle(new ComponentVerticle(v -> intake)));
    metricsUrls.put("intake", url(intake.httpPort()));

    workerMetrics = new Metrics("worker");
    worker =
        await(
            ServiceLauncher.launch(
                vertx,
                http(1),
                workerMetrics.registry(),
                v -> new Worker(v, kafka("worker"), new WorkerSettings(s3, 1), workerMetrics)));
    metricsUrls.put("worker", url(worker.httpPort()));

    Metrics evaluatorMetrics = new Metrics("evaluator");
    EvaluatorSettings evaluatorSettings =
        new EvaluatorSettings(
            s3,
            1,
            EVALUATION_BATCH,
            EVALUATION_SEED,
            maxForgettingScore,
            maxNomusDrop,
            maxAccuracyDrop,
            noise,
            s3.bucket());
    evaluator =
        await(
            ServiceLauncher.launch(
                vertx,
                http(2),
                evaluatorMetrics.registry(),
                v -> new Evaluator(v, kafka("evaluator"), evaluatorSettings, evaluatorMetrics)));
    metricsUrls.put("evaluator", url(evaluator.httpPort()));

    producer =
        new ContractProducer(
            vertx,
            new KafkaSettings(bootstrap, "lethe-pipeline-" + runId, "lethe-pipeline-" + runId),
            codec);
    await(producer.start());
    log.printf(
        "services: registry, intake, worker, evaluator up on one Vert.x (registry API %s)%n",
        registryApiUrl());
  }

  /** Each service's topic: its group starts at the topic's current end, not at earliest. */
  private void positionGroups() {
    Map<String, String> topicOf =
        Map.of(
            IntakeSettings.SERVICE,
            Topics.DELETION_EVENTS,
            "worker",
            Topics.FORGET_REQUESTS,
            "evaluator",
            Topics.UNLEARNING_RESULTS,
            RegistrySettings.SERVICE,
            Topics.EVALUATIONS);
    topicOf.forEach(
        (service, topic) ->
            ConsumerGroups.startAtEnd(
                servers.kafkaBootstrapServers(), group(service), List.of(topic)));
    // The registry's audit log reads the ledger, results and evaluations: from this run on too.
    ensureLedger();
    ConsumerGroups.startAtEnd(
        servers.kafkaBootstrapServers(),
        group(RegistrySettings.SERVICE) + "-audit",
        List.of(Topics.INTAKE_LEDGER, Topics.UNLEARNING_RESULTS, Topics.EVALUATIONS));
  }

  private void ensureLedger() {
    try {
      LedgerTopic.ensure(
          kafka(IntakeSettings.SERVICE), Topics.INTAKE_LEDGER, Duration.ofSeconds(30));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the intake ledger topic: " + e, e);
    }
  }

  /**
   * The consumer group {@code service} (intake, worker, evaluator, registry) consumes in, for
   * callers that follow its committed offsets.
   */
  public String consumerGroup(String service) {
    return group(service);
  }

  private String group(String service) {
    return groupPrefix == null
        ? "lethe-" + service + "-pipeline-" + runId
        : ServingGroups.group(groupPrefix, service);
  }

  private KafkaSettings kafka(String service) {
    return new KafkaSettings(
        servers.kafkaBootstrapServers(), "lethe-" + service + "-" + runId, group(service));
  }

  /**
   * Unlearning jobs the in-process worker is running now (each has its forgetting-score gauge from
   * start to end).
   */
  public int runningJobs() {
    Metrics m = workerMetrics;
    return m == null
        ? 0
        : m.registry()
            .find(Metrics.name("worker", "forgetting_score", Metrics.Unit.RATIO))
            .gauges()
            .size();
  }

  /** Whether {@link #start()} found the model registered and reused it (serving mode only). */
  public boolean reusedRegistered() {
    return reused;
  }

  /**
   * Stops taking new work: the intake (HTTP and {@code lethe.deletion-events}) and the pipeline's
   * producer stop; worker, evaluator and registry go on with what they hold. {@link #close()} then
   * stops the rest.
   */
  public void stopIntake() {
    if (vertx == null) {
      return;
    }
    String deployment = intakeDeployment;
    intakeDeployment = null;
    Future<Void> stopped =
        (producer == null ? Future.<Void>succeededFuture() : producer.stop())
            .eventually(
                () -> deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment));
    try {
      stopped.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.printf("shutdown: %s%n", e);
    }
  }

  private HttpSettings http(int offset) {
    return new HttpSettings(
        HttpSettings.DEFAULT_HOST, httpPortBase == 0 ? 0 : httpPortBase + offset);
  }

  private static String url(int port) {
    return base(port) + "/metrics";
  }

  private static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Publishes one deletion event naming {@code subjects} to {@code lethe.deletion-events} and waits
   * until the version made from it is evaluated (and promoted, if it passed).
   *
   * @param hyperparameters method overrides carried by the event (flat, scalar values)
   * @throws TimeoutException if the evaluation does not arrive within {@code timeout}
   * @throws PipelineException if the unlearning job failed
   */
  public PipelineRun forget(
      Set<String> subjects, Map<String, Object> hyperparameters, Duration timeout)
      throws Exception {
    requireStarted();
    if (originalDir == null) {
      throw new IllegalStateException(
          "the model was reused from the registry: no local original to measure the parent on");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    SortedSet<String> forget = new TreeSet<>(subjects);
    EvaluationReport parentReport = measureParent(forget);
    String correlationId = "pipeline-" + UUID.randomUUID();
    try (PipelineWatch watch = new PipelineWatch(servers.kafkaBootstrapServers(), correlationId)) {
      DeletionEvent event =
          new DeletionEvent(
              "evt-" + UUID.randomUUID(),
              "idem-" + UUID.randomUUID(),
              correlationId,
              Instant.now().truncatedTo(ChronoUnit.MILLIS),
              "lethe-pipeline",
              List.copyOf(forget),
              null,
              "embedded pipeline demo",
              Method.DLFD,
              hyperparameters.isEmpty() ? null : hyperparameters);
      await(producer.send(Contract.DELETION_EVENT, event.idempotencyKey(), event, correlationId));
      log.printf(
          "event: forget %d subject(s) published to lethe.deletion-events (correlation %s)%n",
          forget.size(), correlationId);
      JobProgressBar bar = new JobProgressBar(progress);
      int progressRecords = 0;
      UnlearningResult result = null;
      try {
        while (System.nanoTime() < deadline) {
          for (PipelineWatch.Seen seen : watch.poll(Duration.ofMillis(250))) {
            if (seen instanceof PipelineWatch.Progress p) {
              progressRecords++;
              bar.accept(p.progress());
            } else if (seen instanceof PipelineWatch.Result r) {
              result = r.result();
              if (result.status() != UnlearningResult.Status.SUCCEEDED) {
                throw new PipelineException(
                    "unlearning " + result.requestId() + " failed: " + result.error());
              }
              log.printf(
                  "%nworker: %s v%d stored in %.1f s; evaluating%n",
                  result.modelId(), result.version(), result.seconds());
            } else if (seen instanceof PipelineWatch.Evaluation e) {
              EvaluationReportMessage report = e.report();
              int production = production(report, deadline);
              ModelVersionManifest version = store.manifest(modelId, report.version());
              return new PipelineRun(
                  forget,
                  correlationId,
                  registered,
                  parentReport,
                  originalSeconds,
                  result,
                  report,
                  version,
                  production,
                  progressRecords);
            }
          }
        }
      } finally {
        bar.finish();
      }
      throw new TimeoutException(
          "no evaluation within "
              + timeout
              + (result == null
                  ? " (no unlearning result either: is the worker stuck?)"
                  : " (the worker finished v" + result.version() + ")"));
    }
  }

  /**
   * Where {@code production} points once the registry service has read {@code report}: for a
   * passing version, waits until the registry's API shows the alias on it; a failing one is never
   * promoted, so the alias is read as it is.
   */
  private int production(EvaluationReportMessage report, long deadline) throws Exception {
    String alias = RegistrySettings.DEFAULT_ALIAS;
    if (!report.passed()) {
      log.printf("registry: v%d failed its gates: not promoted%n", report.version());
      return registryApi.alias(modelId, alias).orElse(-1);
    }
    log.printf(
        "evaluator: v%d passed its gates; waiting for the registry to promote it%n",
        report.version());
    int version = registryApi.awaitAlias(modelId, alias, report.version(), deadline);
    log.printf("registry: %s now v%d (%s)%n", alias, version, registryApi.aliasUri(modelId, alias));
    return version;
  }

  /** The parent on the run's forget set, measured as the evaluator measures. */
  private EvaluationReport measureParent(SortedSet<String> subjects) {
    return measure(originalDir, subjects);
  }

  /**
   * The checkpoint in {@code dir} on the forget set of {@code subjects}, as the evaluator measures.
   */
  private EvaluationReport measure(Path dir, SortedSet<String> subjects) {
    UnlearningSplit split = UnlearningSplit.of(dataset, subjects);
    try (LoadedCheckpoint loaded =
        Checkpoints.load(
            dir,
            CheckpointRequirements.builder()
                .optDatasetFingerprint(dataset.fingerprint())
                .build())) {
      return new UnlearningEvaluator(EVALUATION_BATCH, EVALUATION_SEED)
          .evaluate(
              loaded.classifier(),
              dataset,
              split.test(),
              split.forget(),
              split.unseen(),
              ProgressListener.NONE)
          .report();
    }
  }

  /**
   * The gold standard beside a run: the original retrained from scratch, with its recipe, without
   * {@code subjects}, measured on their forget set as the parent and the new version are. Takes as
   * long as training the original; the model is kept in a local directory, never registered.
   */
  public RetrainedReference retrainedReference(SortedSet<String> subjects) {
    requireStarted();
    if (originalDir == null) {
      throw new IllegalStateException(
          "the model was reused from the registry: no local original to retrain");
    }
    Path out = originalDir.resolveSibling("retrained-" + UUID.randomUUID());
    ModelLineage.Version v =
        ModelLineage.retrain(
            originalDir, dataset, spec.apply(dataset), recipe, subjects, out, progress);
    return new RetrainedReference(out, measure(out, subjects), v.seconds());
  }

  /**
   * @param directory where the retrained checkpoint is
   * @param report measured on the run's forget set
   * @param seconds training time
   */
  public record RetrainedReference(Path directory, EvaluationReport report, double seconds) {}

  private void requireStarted() {
    if (producer == null) {
      throw new IllegalStateException("start() the pipeline first");
    }
  }

  /** The dataset the original was trained on. */
  public ImageDataset dataset() {
    requireStarted();
    return dataset;
  }

  /** The registry the services use. */
  public ModelStore store() {
    requireStarted();
    return store;
  }

  /** The registry's datasets (the same bucket as its models). */
  public DatasetStore datasets() {
    requireStarted();
    return datasets;
  }

  /** The registry dataset the original was registered with (revision 0 = the snapshot). */
  public String datasetId() {
    requireStarted();
    return datasetId;
  }

  /** The registry service's HTTP API, e.g. {@code http://127.0.0.1:8084}. */
  public String registryApiUrl() {
    requireStarted();
    return base(registry.apiPort());
  }

  public String modelId() {
    return modelId;
  }

  /** The registered original. */
  public ModelVersionManifest original() {
    requireStarted();
    return registered;
  }

  /** {@code /metrics} URL per service (registry, intake, worker, evaluator). */
  public Map<String, String> metricsUrls() {
    return Map.copyOf(metricsUrls);
  }

  /**
   * This run's API tokens (fresh per run; the services accept only these). Also in {@link
   * #tokensFile()}.
   */
  public PipelineTokens tokens() {
    return tokens;
  }

  /** The owner-only file holding {@link #tokens()}, under the run's directory. */
  public Path tokensFile() {
    requireStarted();
    return tokensFile;
  }

  /** The intake's HTTP port ({@code POST /v1/deletions}). */
  public int intakePort() {
    requireStarted();
    return intake.httpPort();
  }

  /**
   * Stops the services in order (producer and intake, the model catalog, worker, evaluator,
   * registry), then Vert.x; safe to call more than once and after a failed start.
   */
  @Override
  public void close() {
    if (vertx == null) {
      return;
    }
    Future<Void> stopped =
        (producer == null ? Future.<Void>succeededFuture() : producer.stop())
            .eventually(
                () ->
                    intakeDeployment == null
                        ? Future.succeededFuture()
                        : vertx.undeploy(intakeDeployment))
            .eventually(
                () ->
                    catalogDeployment == null
                        ? Future.succeededFuture()
                        : vertx.undeploy(catalogDeployment))
            .eventually(() -> worker == null ? Future.succeededFuture() : worker.stop())
            .eventually(() -> evaluator == null ? Future.succeededFuture() : evaluator.stop())
            .eventually(
                () -> registryService == null ? Future.succeededFuture() : registryService.stop());
    try {
      stopped.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.printf("shutdown: %s%n", e);
    }
    // Closed from this thread, not chained above: a chained future completes on an event loop
    // context, and once Vert.x has closed that loop the completion is rejected and never arrives.
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.printf("shutdown: %s%n", e);
    } finally {
      vertx = null;
      producer = null;
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /**
   * The default model: a small CNN for the dataset's images, normalised as {@code lethe demo} does.
   */
  public static ModelSpec smallCnn(ImageDataset d) {
    Normalization norm =
        d.channels() == 3 ? Normalization.imagenet() : Normalization.uniform(1, 0.2860f, 0.3530f);
    return ModelSpec.of(
        Architecture.SMALL_CNN, d.channels(), d.side(), d.labelSchema().numOutputs(), norm);
  }

  /** Options of {@link EmbeddedPipeline}. */
  public static final class Builder {
    private final ServerConnections servers;
    private final DatasetSource source;
    private final Path workDir;
    private String modelId = "demo-small-cnn";
    private String bucket = WorkerSettings.DEFAULT_BUCKET;
    private String datasetId;
    private Path original;
    private Path torchScript;
    private Path torchScriptDescriptor;
    private TrainingRecipe recipe = TrainingRecipe.builder().build();
    private Function<ImageDataset, ModelSpec> spec = EmbeddedPipeline::smallCnn;
    private int httpPortBase;
    private Duration coalesceWindow = Duration.ofSeconds(2);
    private ErasureSettings erasure = ErasureSettings.DEFAULTS;
    private double maxForgettingScore = EvaluatorSettings.DEFAULT_MAX_FORGETTING_SCORE;
    private double maxNomusDrop = EvaluatorSettings.DEFAULT_MAX_NOMUS_DROP;
    private double maxAccuracyDrop = EvaluatorSettings.DEFAULT_MAX_ACCURACY_DROP;
    private NoiseRule noise = NoiseRule.DEFAULTS;
    private int partitions = PipelineTopics.DEFAULT_PARTITIONS;
    private ProgressListener progress = ProgressListener.NONE;
    private PrintStream log = System.out;
    private String groupPrefix;
    private Path tokensFile;

    private Builder(ServerConnections servers, DatasetSource source, Path workDir) {
      this.servers = Objects.requireNonNull(servers, "servers");
      this.source = Objects.requireNonNull(source, "source");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** The registry's model id (default {@code demo-small-cnn}). */
    public Builder optModelId(String modelId) {
      this.modelId = Objects.requireNonNull(modelId, "modelId");
      return this;
    }

    /** The registry's bucket (default {@code lethe-models}). */
    public Builder optBucket(String bucket) {
      this.bucket = Objects.requireNonNull(bucket, "bucket");
      return this;
    }

    /**
     * The registry dataset id the data is uploaded under (default {@code <dataset name>-<run id>}:
     * a fresh dataset per run, so tombstones of an earlier run on the same bucket do not make this
     * run's subjects unknown). Uploading the same data under an existing id is a no-op; other data
     * under it is refused.
     */
    public Builder optDatasetId(String datasetId) {
      this.datasetId = Objects.requireNonNull(datasetId, "datasetId");
      return this;
    }

    /** Registers this checkpoint directory instead of training an original. */
    public Builder optOriginal(Path checkpointDir) {
      this.original = checkpointDir;
      return this;
    }

    /**
     * Imports the user's TorchScript {@code module} with its JSON {@code descriptor} as the
     * original instead of training one ({@link OriginalRegistration.Builder#optTorchScript}).
     */
    public Builder optTorchScript(Path module, Path descriptor) {
      this.torchScript = Objects.requireNonNull(module, "module");
      this.torchScriptDescriptor = Objects.requireNonNull(descriptor, "descriptor");
      return this;
    }

    /** How the original is trained (default: a small CNN with the engine's default recipe). */
    public Builder optTraining(TrainingRecipe recipe, Function<ImageDataset, ModelSpec> spec) {
      this.recipe = Objects.requireNonNull(recipe, "recipe");
      this.spec = Objects.requireNonNull(spec, "spec");
      return this;
    }

    /**
     * Intake, worker, evaluator and the registry serve {@code /metrics} on this port and the next
     * three, the registry's API on the fifth (0: any free).
     */
    public Builder optHttpPortBase(int port) {
      if (port < 0 || port > 65531) {
        throw new IllegalArgumentException("HTTP port base must be in [0, 65531], got " + port);
      }
      this.httpPortBase = port;
      return this;
    }

    /** The intake's coalescing window (default 2 s). */
    public Builder optCoalesceWindow(Duration window) {
      this.coalesceWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /** The evaluator's gates (defaults as {@link EvaluatorSettings}). */
    /**
     * When the registry purges versions that still encode forgotten subjects (default: a 24-hour
     * grace period, swept every minute).
     */
    public Builder optErasure(ErasureSettings erasure) {
      this.erasure = Objects.requireNonNull(erasure, "erasure");
      return this;
    }

    public Builder optGates(double maxForgettingScore, double maxNomusDrop) {
      return optGates(maxForgettingScore, maxNomusDrop, NoiseRule.DEFAULTS);
    }

    /** The gates, with the noise rule of gate {@code forgettingVsParent}. */
    public Builder optGates(double maxForgettingScore, double maxNomusDrop, NoiseRule noise) {
      this.maxForgettingScore = maxForgettingScore;
      this.maxNomusDrop = maxNomusDrop;
      this.noise = Objects.requireNonNull(noise, "noise");
      return this;
    }

    /**
     * Gate {@code maxAccuracyDrop}: the new version's test accuracy at most this far below the
     * parent's (default {@value EvaluatorSettings#DEFAULT_MAX_ACCURACY_DROP}).
     */
    public Builder optMaxAccuracyDrop(double maxAccuracyDrop) {
      this.maxAccuracyDrop = maxAccuracyDrop;
      return this;
    }

    /** Partitions of each topic (default {@value PipelineTopics#DEFAULT_PARTITIONS}). */
    public Builder optPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** Where training and the job's progress are shown (default: nowhere). */
    public Builder optProgress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** Where one-line status messages go (default standard output). */
    public Builder optLog(PrintStream log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /**
     * Serving mode: the services consume in the stable groups {@code <prefix>-intake}, {@code
     * <prefix>-worker}, ... (a restart resumes from their committed offsets; a group new to the
     * broker starts at the topics' end), the model is registered only if the registry has none
     * (else its production version is reused), and the API tokens are read from {@code tokensFile},
     * created there when absent.
     */
    public Builder optServing(String groupPrefix, Path tokensFile) {
      this.groupPrefix = ServingGroups.requirePrefix(groupPrefix);
      this.tokensFile = Objects.requireNonNull(tokensFile, "tokensFile");
      return this;
    }

    public EmbeddedPipeline build() {
      return new EmbeddedPipeline(this);
    }
  }
}
