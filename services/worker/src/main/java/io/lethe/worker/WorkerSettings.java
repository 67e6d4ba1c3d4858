package io.lethe.worker;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Env;
import io.lethe.config.Field;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.limits.HyperparameterLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the worker needs beyond Kafka and HTTP: where the registry lives, how many jobs may run at
 * once, how long one may take and which hyperparameters a request may set. Read from the
 * environment and checked at start-up, so a missing bucket fails the process with the variable's
 * name instead of failing every job.
 *
 * @param s3 the registry's S3 endpoint, credentials, region and bucket ({@code S3_ENDPOINT}, {@code
 *     S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION} (default {@code us-east-1}), {@code
 *     S3_BUCKET} (default {@code lethe-models}))
 * @param jobThreads size of the {@code lethe-unlearning} pool ({@code WORKER_JOB_THREADS}, default
 *     1): a DLFD run uses every core it is given, so more than one job per replica rarely pays
 * @param datasetBucket the bucket of the training datasets ({@code S3_DATASET_BUCKET}, default the
 *     registry's bucket: {@code datasets/} and {@code models/} do not collide), same endpoint
 * @param jobTimeout each job's time budget ({@code WORKER_JOB_TIMEOUT}: an ISO-8601 duration such
 *     as {@code PT30M} or whole seconds such as {@code 1800}; default {@code PT2H}, 1 s to 7 days).
 *     A job past it fails with a reason and the model's next request runs. The default is generous
 *     (a DLFD run on the datasets in {@code tools/bench/} takes minutes, a 30-epoch retrain under
 *     an hour on CPU) because a job cut short must be requested again
 * @param hyperparameterLimits the ranges a request's hyperparameters must keep ({@value
 *     HyperparameterLimits#ENV}, the same variable the intake reads): the worker checks them again
 *     because forget requests can be produced by anything
 * @param abandonedVersionGrace how long a version may stay claimed but never visible (its writer
 *     was killed mid-upload) before the next job of its model erases its objects ({@code
 *     WORKER_ABANDONED_VERSION_GRACE}, same format; default {@code PT1H}, at least 10 s): the
 *     objects are parameters that encode the data being forgotten
 * @param scratchDir where jobs keep their scratch files ({@code WORKER_SCRATCH_DIR}, default {@code
 *     ${java.io.tmpdir}/lethe-worker}): each worker process gets its own {@code pid-<pid>-<random>}
 *     directory in it, and deletes the directories of dead workers at start-up (see {@link
 *     ScratchSpace}); share it between the workers of one host
 * @param device where the engine runs every job ({@code WORKER_DEVICE}: {@code cpu}, {@code gpu}
 *     (the first GPU, reported as {@code gpu:0}) or {@code gpu:N}; default {@code cpu}). There is
 *     no {@code auto}: the default is the same on every host, and a GPU is an explicit choice that
 *     {@link #fromEnv} checks against what the engine sees, failing start-up rather than running on
 *     the CPU unnoticed
 */
public record WorkerSettings(
    S3Settings s3,
    int jobThreads,
    String datasetBucket,
    Duration jobTimeout,
    HyperparameterLimits hyperparameterLimits,
    Duration abandonedVersionGrace,
    Path scratchDir,
    ComputeDevice device) {
  public static final String DEVICE = "WORKER_DEVICE";
  public static final String DEFAULT_DEVICE = "cpu";
  public static final String JOB_THREADS = "WORKER_JOB_THREADS";
  public static final String DATASET_BUCKET = "S3_DATASET_BUCKET";
  public static final String JOB_TIMEOUT = "WORKER_JOB_TIMEOUT";
  public static final String DEFAULT_BUCKET = "lethe-models";
  public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(2);
  public static final String ABANDONED_VERSION_GRACE = "WORKER_ABANDONED_VERSION_GRACE";
  public static final String SCRATCH_DIR = "WORKER_SCRATCH_DIR";
  public static final Duration DEFAULT_ABANDONED_VERSION_GRACE = Duration.ofHours(1);
  static final Duration MIN_ABANDONED_VERSION_GRACE = Duration.ofSeconds(10);
  static final Duration MIN_JOB_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_JOB_TIMEOUT = Duration.ofDays(7);

  static final Field<Integer> JOB_THREADS_FIELD =
      Field.integer(JOB_THREADS).optDefault(1).optRange(1, 64);
  static final Field<String> DATASET_BUCKET_FIELD = Field.string(DATASET_BUCKET);
  static final Field<Duration> JOB_TIMEOUT_FIELD =
      Field.durationOrSeconds(JOB_TIMEOUT)
          .optDefault(DEFAULT_JOB_TIMEOUT)
          .optRange(
              MIN_JOB_TIMEOUT,
              MAX_JOB_TIMEOUT,
              "be from " + MIN_JOB_TIMEOUT + " to " + MAX_JOB_TIMEOUT);
  static final Field<Duration> ABANDONED_VERSION_GRACE_FIELD =
      Field.durationOrSeconds(ABANDONED_VERSION_GRACE)
          .optDefault(DEFAULT_ABANDONED_VERSION_GRACE)
          .optCheck(
              g -> g.compareTo(MIN_ABANDONED_VERSION_GRACE) >= 0,
              "be at least "
                  + MIN_ABANDONED_VERSION_GRACE
                  + " (a live upload must never be erased)");
  static final Field<Path> SCRATCH_DIR_FIELD = Field.path(SCRATCH_DIR);
  static final Field<ComputeDevice> DEVICE_FIELD =
      Field.of(DEVICE, "cpu, gpu or gpu:N", ComputeDevice::parse).optDefault(ComputeDevice.cpu());

  public WorkerSettings {
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(jobTimeout, JOB_TIMEOUT);
    Objects.requireNonNull(hyperparameterLimits, HyperparameterLimits.ENV);
    Objects.requireNonNull(abandonedVersionGrace, ABANDONED_VERSION_GRACE);
    Objects.requireNonNull(scratchDir, SCRATCH_DIR);
    Objects.requireNonNull(device, DEVICE);
    ABANDONED_VERSION_GRACE_FIELD.check(abandonedVersionGrace);
    JOB_THREADS_FIELD.check(jobThreads);
    JOB_TIMEOUT_FIELD.check(jobTimeout);
    try {
      s3.withBucket(datasetBucket);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(DATASET_BUCKET + ": " + e.getMessage());
    }
  }

  /** Datasets in the registry's bucket, the defaults for everything else, on the CPU. */
  public WorkerSettings(S3Settings s3, int jobThreads) {
    this(
        s3,
        jobThreads,
        Objects.requireNonNull(s3, "s3").bucket(),
        DEFAULT_JOB_TIMEOUT,
        HyperparameterLimits.defaults(),
        DEFAULT_ABANDONED_VERSION_GRACE,
        defaultScratchDir(),
        ComputeDevice.cpu());
  }

  /** A copy with another time budget. */
  public WorkerSettings withJobTimeout(Duration timeout) {
    return copy(timeout, hyperparameterLimits, device);
  }

  /** A copy running jobs on another device (not checked: see {@link #fromEnv}). */
  public WorkerSettings withDevice(ComputeDevice other) {
    return copy(jobTimeout, hyperparameterLimits, other);
  }

  /** A copy with other hyperparameter limits. */
  public WorkerSettings withHyperparameterLimits(HyperparameterLimits limits) {
    return copy(jobTimeout, limits, device);
  }

  private WorkerSettings copy(Duration timeout, HyperparameterLimits limits, ComputeDevice on) {
    return new WorkerSettings(
        s3, jobThreads, datasetBucket, timeout, limits, abandonedVersionGrace, scratchDir, on);
  }

  /** {@code ${java.io.tmpdir}/lethe-worker}. */
  public static Path defaultScratchDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "lethe-worker");
  }

  /** Where the training datasets live: the registry's endpoint and credentials, their bucket. */
  public S3Settings datasetS3() {
    return s3.withBucket(datasetBucket);
  }

  public static WorkerSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * Reads and checks the settings. A GPU in {@code WORKER_DEVICE} loads the engine to ask whether
   * it sees that GPU.
   *
   * @throws ConfigException naming the variable that is missing or malformed, or the GPU the engine
   *     does not see
   */
  public static WorkerSettings fromEnv(Map<String, String> env) {
    Configuration config = new Configuration(env);
    S3Settings s3 = config.section("S3 settings", () -> S3Settings.fromEnv(env, DEFAULT_BUCKET));
    int threads = config.get(JOB_THREADS_FIELD);
    Optional<String> datasetBucket = config.optional(DATASET_BUCKET_FIELD);
    Duration jobTimeout = config.get(JOB_TIMEOUT_FIELD);
    HyperparameterLimits limits = config.section(() -> HyperparameterLimits.fromEnv(env));
    Duration grace = config.get(ABANDONED_VERSION_GRACE_FIELD);
    Path scratchDir =
        config.optional(SCRATCH_DIR_FIELD).orElseGet(WorkerSettings::defaultScratchDir);
    ComputeDevice device = config.get(DEVICE_FIELD);
    config.validate();
    return new WorkerSettings(
        s3,
        threads,
        datasetBucket.orElse(s3.bucket()),
        jobTimeout,
        limits,
        grace,
        scratchDir,
        available(device, env));
  }

  /** {@code device} if the engine sees it: a GPU it does not see fails start-up. */
  private static ComputeDevice available(ComputeDevice device, Map<String, String> env) {
    try {
      return device.requireAvailable();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      // No GPU, or a libtorch that would not load: fail start-up, never fall back to the CPU.
      String value = new Env(env).optional(DEVICE).orElse(DEFAULT_DEVICE);
      throw new ConfigException(DEVICE + "=" + value + ": " + e.getMessage());
    }
  }
}
