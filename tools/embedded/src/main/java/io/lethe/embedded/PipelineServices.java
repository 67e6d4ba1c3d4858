package io.lethe.embedded;

import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.evaluator.Evaluator;
import io.lethe.evaluator.EvaluatorSettings;
import io.lethe.evaluator.NoiseRule;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The services of an {@link EmbeddedPipeline} on one Vert.x: the registry service (HTTP API and
 * automatic promotion), the model catalog and intake, worker and evaluator, each with its own
 * {@code /metrics} and {@code /health}, and the producer the pipeline publishes deletion events
 * with. Owns their consumer groups (a run's own, positioned at the topics' end, or the serving
 * groups) and the API tokens.
 */
final class PipelineServices {
  /** Evaluator settings the parent's baseline is measured with, so both rows compare. */
  static final int EVALUATION_BATCH = 64;

  static final long EVALUATION_SEED = 0;

  private final ServerConnections servers;
  private final Path workDir;
  private final String runId;
  private final int httpPortBase;
  private final Duration coalesceWindow;
  private final ErasureSettings erasure;
  private final double maxForgettingScore;
  private final double maxNomusDrop;
  private final double maxAccuracyDrop;
  private final NoiseRule noise;
  private final PrintStream log;
  private final String groupPrefix;
  private final Path tokensFileOption;
  private final MessageCodec codec = new MessageCodec();

  private Vertx vertx;
  private IntakeService intake;
  private String catalogDeployment;
  private String intakeDeployment;
  private ServiceLauncher.Running worker;
  private Metrics workerMetrics;
  private ServiceLauncher.Running evaluator;
  private Registry registry;
  private ServiceLauncher.Running registryService;
  private RegistryApiClient registryApi;
  private ContractProducer producer;
  private final Map<String, String> metricsUrls = new LinkedHashMap<>();
  private PipelineTokens tokens;
  private Path tokensFile;

  PipelineServices(EmbeddedPipeline.Builder b, String runId) {
    this.servers = b.servers;
    this.workDir = b.workDir;
    this.runId = runId;
    this.httpPortBase = b.httpPortBase;
    this.coalesceWindow = b.coalesceWindow;
    this.erasure = b.erasure;
    this.maxForgettingScore = b.maxForgettingScore;
    this.maxNomusDrop = b.maxNomusDrop;
    this.maxAccuracyDrop = b.maxAccuracyDrop;
    this.noise = b.noise;
    this.log = b.log;
    this.groupPrefix = b.groupPrefix;
    this.tokensFileOption = b.tokensFile;
  }

  /**
   * Starts the registry service, the model catalog and intake, worker, evaluator and the producer
   * of deletion events on one Vert.x; the tokens are fresh per run, or read from the serving tokens
   * file. On failure the caller closes what started.
   */
  void start(S3Settings s3, ModelStore store, DatasetStore datasets) throws Exception {
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
  String consumerGroup(String service) {
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
  int runningJobs() {
    Metrics m = workerMetrics;
    return m == null
        ? 0
        : m.registry()
            .find(Metrics.name("worker", "forgetting_score", Metrics.Unit.RATIO))
            .gauges()
            .size();
  }

  /**
   * Stops taking new work: the intake (HTTP and {@code lethe.deletion-events}) and the pipeline's
   * producer stop; worker, evaluator and registry go on with what they hold. {@link #close()} then
   * stops the rest.
   */
  void stopIntake() {
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

  static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  /** The Kafka the services consume from. */
  String bootstrapServers() {
    return servers.kafkaBootstrapServers();
  }

  /** Whether {@link #start} completed (the producer is up). */
  boolean started() {
    return producer != null;
  }

  /** The producer deletion events are published with. */
  ContractProducer producer() {
    return producer;
  }

  /** The registry service's API, with the run's token. */
  RegistryApiClient registryApi() {
    return registryApi;
  }

  /** The registry service's HTTP API, e.g. {@code http://127.0.0.1:8084}. */
  String registryApiUrl() {
    return base(registry.apiPort());
  }

  /** {@code /metrics} URL per service (registry, intake, worker, evaluator). */
  Map<String, String> metricsUrls() {
    return Map.copyOf(metricsUrls);
  }

  PipelineTokens tokens() {
    return tokens;
  }

  Path tokensFile() {
    return tokensFile;
  }

  int intakePort() {
    return intake.httpPort();
  }

  /**
   * Stops the services in order (producer and intake, the model catalog, worker, evaluator,
   * registry), then Vert.x; safe to call more than once and after a failed start.
   */
  void close() {
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

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
