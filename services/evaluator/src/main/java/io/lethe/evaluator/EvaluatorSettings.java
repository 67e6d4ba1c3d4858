package io.lethe.evaluator;

import io.lethe.registry.store.S3Settings;
import io.lethe.service.config.ConfigException;
import java.util.Map;
import java.util.Objects;

/**
 * What the evaluator needs beyond Kafka and HTTP: the registry, the pool size, how to evaluate and
 * the gates. Read from the environment and checked at start-up.
 *
 * @param s3 the registry ({@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code
 *     S3_REGION} (default {@code us-east-1}), {@code S3_BUCKET} (default {@code lethe-models}))
 * @param threads size of the {@code lethe-evaluation} pool ({@code EVALUATOR_THREADS}, default 1)
 * @param batchSize inference batch size ({@code EVALUATOR_BATCH_SIZE}, default 64)
 * @param seed seed of the membership-inference attack's splits ({@code EVALUATOR_SEED}, default 0)
 * @param maxForgettingScore gate: the new version's {@code |MIA - 0.5|} must not exceed this
 *     ({@code EVALUATOR_MAX_FORGETTING_SCORE}, default 0.1)
 * @param maxNomusDrop gate: the new version's NoMUS may be at most this much below its parent's on
 *     the same forget set ({@code EVALUATOR_MAX_NOMUS_DROP}, default 0.02)
 * @param maxAccuracyDrop gate: the new version's test accuracy may be at most this much below its
 *     parent's ({@code EVALUATOR_MAX_ACCURACY_DROP}, default 0.05, in [0, 1]): utility on its own,
 *     since NoMUS lets a large gain in forgetting hide a large loss of accuracy
 * @param noise gate {@code forgettingVsParent} ({@link ForgettingVsParent}): the noise band in
 *     units of the attack's std across splits ({@code EVALUATOR_NOISE_BAND_SIGMAS}, default 2, in
 *     [0, 100]), the significant drop below the parent in units of the difference's std ({@code
 *     EVALUATOR_MIN_DROP_SIGMAS}, default 2, in [0, 100]) and the fewest members or non-members the
 *     attack needs to test a drop ({@code EVALUATOR_MIN_ATTACK_SAMPLES}, default 50)
 * @param datasetBucket the bucket of the training datasets ({@code S3_DATASET_BUCKET}, default the
 *     registry's bucket), same endpoint: versions that name a registry dataset are measured on its
 *     snapshot, so the evaluator needs no local copy of the data
 */
public record EvaluatorSettings(
    S3Settings s3,
    int threads,
    int batchSize,
    long seed,
    double maxForgettingScore,
    double maxNomusDrop,
    double maxAccuracyDrop,
    NoiseRule noise,
    String datasetBucket) {
  public static final String THREADS = "EVALUATOR_THREADS";
  public static final String BATCH_SIZE = "EVALUATOR_BATCH_SIZE";
  public static final String SEED = "EVALUATOR_SEED";
  public static final String MAX_FORGETTING_SCORE = "EVALUATOR_MAX_FORGETTING_SCORE";
  public static final String MAX_NOMUS_DROP = "EVALUATOR_MAX_NOMUS_DROP";
  public static final String MAX_ACCURACY_DROP = "EVALUATOR_MAX_ACCURACY_DROP";
  public static final String NOISE_BAND_SIGMAS = "EVALUATOR_NOISE_BAND_SIGMAS";
  public static final String MIN_DROP_SIGMAS = "EVALUATOR_MIN_DROP_SIGMAS";
  public static final String MIN_ATTACK_SAMPLES = "EVALUATOR_MIN_ATTACK_SAMPLES";
  public static final String DATASET_BUCKET = "S3_DATASET_BUCKET";
  public static final String DEFAULT_BUCKET = "lethe-models";
  public static final double DEFAULT_MAX_FORGETTING_SCORE = 0.1;
  public static final double DEFAULT_MAX_NOMUS_DROP = 0.02;
  public static final double DEFAULT_MAX_ACCURACY_DROP = 0.05;

  public EvaluatorSettings {
    Objects.requireNonNull(s3, "s3");
    if (threads < 1 || threads > 64) {
      throw new ConfigException(THREADS + " must be in [1, 64], got " + threads);
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigException(BATCH_SIZE + " must be in [1, 4096], got " + batchSize);
    }
    if (!(maxForgettingScore >= 0 && maxForgettingScore <= 0.5)) {
      throw new ConfigException(
          MAX_FORGETTING_SCORE + " must be in [0, 0.5], got " + maxForgettingScore);
    }
    if (!(maxNomusDrop >= 0 && maxNomusDrop <= 1)) {
      throw new ConfigException(MAX_NOMUS_DROP + " must be in [0, 1], got " + maxNomusDrop);
    }
    if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
      throw new ConfigException(MAX_ACCURACY_DROP + " must be in [0, 1], got " + maxAccuracyDrop);
    }
    Objects.requireNonNull(noise, "noise");
    try {
      datasets(s3, datasetBucket);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException(DATASET_BUCKET + ": " + e.getMessage());
    }
  }

  /** Datasets in the registry's bucket, the default accuracy bound and noise rule. */
  public EvaluatorSettings(
      S3Settings s3,
      int threads,
      int batchSize,
      long seed,
      double maxForgettingScore,
      double maxNomusDrop) {
    this(
        s3,
        threads,
        batchSize,
        seed,
        maxForgettingScore,
        maxNomusDrop,
        DEFAULT_MAX_ACCURACY_DROP,
        NoiseRule.DEFAULTS,
        Objects.requireNonNull(s3, "s3").bucket());
  }

  /** Where the training datasets live: the registry's endpoint and credentials, their bucket. */
  public S3Settings datasetS3() {
    return datasets(s3, datasetBucket);
  }

  private static S3Settings datasets(S3Settings s3, String bucket) {
    return new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
  }

  /** The defaults for everything but the registry. */
  public static EvaluatorSettings defaults(S3Settings s3) {
    return new EvaluatorSettings(
        s3, 1, 64, 0, DEFAULT_MAX_FORGETTING_SCORE, DEFAULT_MAX_NOMUS_DROP);
  }

  public static EvaluatorSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static EvaluatorSettings fromEnv(Map<String, String> env) {
    S3Settings s3;
    try {
      s3 = S3Settings.fromEnv(env, DEFAULT_BUCKET);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("S3 settings: " + e.getMessage());
    }
    return new EvaluatorSettings(
        s3,
        integer(env, THREADS, "1"),
        integer(env, BATCH_SIZE, "64"),
        integer(env, SEED, "0"),
        number(env, MAX_FORGETTING_SCORE, DEFAULT_MAX_FORGETTING_SCORE),
        number(env, MAX_NOMUS_DROP, DEFAULT_MAX_NOMUS_DROP),
        number(env, MAX_ACCURACY_DROP, DEFAULT_MAX_ACCURACY_DROP),
        noise(env),
        optional(env, DATASET_BUCKET, s3.bucket()));
  }

  private static NoiseRule noise(Map<String, String> env) {
    double band = number(env, NOISE_BAND_SIGMAS, NoiseRule.DEFAULT_BAND_SIGMAS);
    if (!(band >= 0 && band <= 100)) {
      throw new ConfigException(NOISE_BAND_SIGMAS + " must be in [0, 100], got " + band);
    }
    double drop = number(env, MIN_DROP_SIGMAS, NoiseRule.DEFAULT_MIN_DROP_SIGMAS);
    if (!(drop >= 0 && drop <= 100)) {
      throw new ConfigException(MIN_DROP_SIGMAS + " must be in [0, 100], got " + drop);
    }
    int samples =
        integer(env, MIN_ATTACK_SAMPLES, Integer.toString(NoiseRule.DEFAULT_MIN_ATTACK_SAMPLES));
    if (samples < 1) {
      throw new ConfigException(MIN_ATTACK_SAMPLES + " must be at least 1, got " + samples);
    }
    return new NoiseRule(band, drop, samples);
  }

  private static int integer(Map<String, String> env, String name, String fallback) {
    String v = optional(env, name, fallback);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer, got '" + v + "'");
    }
  }

  private static double number(Map<String, String> env, String name, double fallback) {
    String v = optional(env, name, Double.toString(fallback));
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ConfigException(name + " must be a number, got '" + v + "'");
  }

  private static String optional(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
