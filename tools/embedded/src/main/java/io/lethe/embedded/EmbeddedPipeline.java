package io.lethe.embedded;

import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.evaluator.EvaluatorSettings;
import io.lethe.evaluator.NoiseRule;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.registry.service.ErasureSettings;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.S3Settings;
import io.lethe.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;

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
 * <p>{@link PipelineServices} runs the services, {@link PipelineDeletion} follows one deletion
 * event, {@link OriginalRegistration} registers the original.
 *
 * <p>Blocking: call it from a plain thread, never from an event loop.
 */
public final class EmbeddedPipeline implements AutoCloseable {
  private final ServerConnections servers;
  private final DatasetSource source;
  private final Path workDir;
  private final String bucket;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final Original original;
  private final int partitions;
  private final String groupPrefix;
  private final PipelineServices services;

  private ImageDataset dataset;
  private ModelStore store;
  private DatasetStore datasets;
  private PipelineOriginal parent;

  private EmbeddedPipeline(Builder b) {
    this.servers = b.servers;
    this.source = b.source;
    this.workDir = b.workDir;
    this.bucket = b.bucket;
    this.original = b.copyTo(new Original());
    this.partitions = b.partitions;
    this.groupPrefix = b.groupPrefix;
    this.services = new PipelineServices(b, runId);
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
      OriginalRegistration registration =
          original
              .copyTo(OriginalRegistration.builder(store, datasets, source, workDir))
              .optRunId(runId)
              .build();
      parent =
          PipelineOriginal.registerOrReuse(
              registration, dataset, groupPrefix != null, original.log);
      PipelineTopics.ensure(servers.kafkaBootstrapServers(), partitions);
      services.start(s3, store, datasets);
      return this;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * The consumer group {@code service} (intake, worker, evaluator, registry) consumes in, for
   * callers that follow its committed offsets.
   */
  public String consumerGroup(String service) {
    return services.consumerGroup(service);
  }

  /**
   * Unlearning jobs the in-process worker is running now (each has its forgetting-score gauge from
   * start to end).
   */
  public int runningJobs() {
    return services.runningJobs();
  }

  /** Whether {@link #start()} found the model registered and reused it (serving mode only). */
  public boolean reusedRegistered() {
    return parent != null && parent.reused();
  }

  /**
   * Stops taking new work: the intake (HTTP and {@code lethe.deletion-events}) and the pipeline's
   * producer stop; worker, evaluator and registry go on with what they hold. {@link #close()} then
   * stops the rest.
   */
  public void stopIntake() {
    services.stopIntake();
  }

  /**
   * Publishes one deletion event naming {@code subjects} to {@code lethe.deletion-events} and waits
   * until the version made from it is evaluated (and promoted, if it passed).
   *
   * @param hyperparameters method overrides carried by the event (flat, scalar values)
   * @throws java.util.concurrent.TimeoutException if the evaluation does not arrive within {@code
   *     timeout}
   * @throws PipelineException if the unlearning job failed
   */
  public PipelineRun forget(
      Set<String> subjects, Map<String, Object> hyperparameters, Duration timeout)
      throws Exception {
    requireStarted();
    if (parent.dir() == null) {
      throw new IllegalStateException(
          "the model was reused from the registry: no local original to measure the parent on");
    }
    return new PipelineDeletion(services, store, original.modelId, dataset, parent)
        .optProgress(original.progress)
        .optLog(original.log)
        .forget(subjects, hyperparameters, timeout);
  }

  /**
   * The gold standard beside a run: the original retrained from scratch, with its recipe, without
   * {@code subjects}, measured on their forget set as the parent and the new version are. Takes as
   * long as training the original; the model is kept in a local directory, never registered.
   */
  public RetrainedReference retrainedReference(SortedSet<String> subjects) {
    requireStarted();
    if (parent.dir() == null) {
      throw new IllegalStateException(
          "the model was reused from the registry: no local original to retrain");
    }
    Path out = parent.dir().resolveSibling("retrained-" + UUID.randomUUID());
    ModelLineage.Version v =
        ModelLineage.retrain(
            parent.dir(),
            dataset,
            original.spec.apply(dataset),
            original.recipe,
            subjects,
            out,
            original.progress);
    return new RetrainedReference(
        out, PipelineDeletion.measure(dataset, out, subjects), v.seconds());
  }

  /**
   * @param directory where the retrained checkpoint is
   * @param report measured on the run's forget set
   * @param seconds training time
   */
  public record RetrainedReference(Path directory, EvaluationReport report, double seconds) {}

  private void requireStarted() {
    if (!services.started()) {
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
    return parent.datasetId();
  }

  /** The registry service's HTTP API, e.g. {@code http://127.0.0.1:8084}. */
  public String registryApiUrl() {
    requireStarted();
    return services.registryApiUrl();
  }

  public String modelId() {
    return original.modelId;
  }

  /** The registered original. */
  public ModelVersionManifest original() {
    requireStarted();
    return parent.version();
  }

  /** {@code /metrics} URL per service (registry, intake, worker, evaluator). */
  public Map<String, String> metricsUrls() {
    return services.metricsUrls();
  }

  /**
   * This run's API tokens (fresh per run; the services accept only these). Also in {@link
   * #tokensFile()}.
   */
  public PipelineTokens tokens() {
    return services.tokens();
  }

  /** The owner-only file holding {@link #tokens()}, under the run's directory. */
  public Path tokensFile() {
    requireStarted();
    return services.tokensFile();
  }

  /** The intake's HTTP port ({@code POST /v1/deletions}). */
  public int intakePort() {
    requireStarted();
    return services.intakePort();
  }

  /**
   * Stops the services in order (producer and intake, the model catalog, worker, evaluator,
   * registry), then Vert.x; safe to call more than once and after a failed start.
   */
  @Override
  public void close() {
    services.close();
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

  /** The options of the original, as the builder held them when the pipeline was built. */
  private static final class Original extends OriginalSettings<Original> {}

  /**
   * Options of {@link EmbeddedPipeline}; those of the original it registers are {@link
   * OriginalSettings}.
   */
  public static final class Builder extends OriginalSettings<Builder> {
    final ServerConnections servers;
    final DatasetSource source;
    final Path workDir;
    String bucket = WorkerSettings.DEFAULT_BUCKET;
    int httpPortBase;
    Duration coalesceWindow = Duration.ofSeconds(2);
    ErasureSettings erasure = ErasureSettings.DEFAULTS;
    double maxForgettingScore = EvaluatorSettings.DEFAULT_MAX_FORGETTING_SCORE;
    double maxNomusDrop = EvaluatorSettings.DEFAULT_MAX_NOMUS_DROP;
    double maxAccuracyDrop = EvaluatorSettings.DEFAULT_MAX_ACCURACY_DROP;
    NoiseRule noise = NoiseRule.DEFAULTS;
    int partitions = PipelineTopics.DEFAULT_PARTITIONS;
    String groupPrefix;
    Path tokensFile;

    private Builder(ServerConnections servers, DatasetSource source, Path workDir) {
      this.servers = Objects.requireNonNull(servers, "servers");
      this.source = Objects.requireNonNull(source, "source");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** The registry's bucket (default {@code lethe-models}). */
    public Builder optBucket(String bucket) {
      this.bucket = Objects.requireNonNull(bucket, "bucket");
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

    /**
     * When the registry purges versions that still encode forgotten subjects (default: a 24-hour
     * grace period, swept every minute).
     */
    public Builder optErasure(ErasureSettings erasure) {
      this.erasure = Objects.requireNonNull(erasure, "erasure");
      return this;
    }

    /** The evaluator's gates (defaults as {@link EvaluatorSettings}). */
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
