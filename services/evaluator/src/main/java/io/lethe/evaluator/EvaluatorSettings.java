package io.lethe.evaluator;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Field;
import io.lethe.registry.store.S3Settings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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

  static final Field<Integer> THREADS_FIELD = Field.integer(THREADS).optDefault(1).optRange(1, 64);
  static final Field<Integer> BATCH_SIZE_FIELD =
      Field.integer(BATCH_SIZE).optDefault(64).optRange(1, 4096);
  static final Field<Integer> SEED_FIELD = Field.integer(SEED).optDefault(0);
  static final Field<Double> MAX_FORGETTING_SCORE_FIELD =
      Field.number(MAX_FORGETTING_SCORE)
          .optDefault(DEFAULT_MAX_FORGETTING_SCORE)
          .optRange(0.0, 0.5);
  static final Field<Double> MAX_NOMUS_DROP_FIELD =
      Field.number(MAX_NOMUS_DROP).optDefault(DEFAULT_MAX_NOMUS_DROP).optRange(0.0, 1.0);
  static final Field<Double> MAX_ACCURACY_DROP_FIELD =
      Field.number(MAX_ACCURACY_DROP).optDefault(DEFAULT_MAX_ACCURACY_DROP).optRange(0.0, 1.0);
  static final Field<Double> NOISE_BAND_SIGMAS_FIELD =
      Field.number(NOISE_BAND_SIGMAS)
          .optDefault(NoiseRule.DEFAULT_BAND_SIGMAS)
          .optRange(0.0, 100.0);
  static final Field<Double> MIN_DROP_SIGMAS_FIELD =
      Field.number(MIN_DROP_SIGMAS)
          .optDefault(NoiseRule.DEFAULT_MIN_DROP_SIGMAS)
          .optRange(0.0, 100.0);
  static final Field<Integer> MIN_ATTACK_SAMPLES_FIELD =
      Field.integer(MIN_ATTACK_SAMPLES)
          .optDefault(NoiseRule.DEFAULT_MIN_ATTACK_SAMPLES)
          .optCheck(n -> n >= 1, "be at least 1");
  static final Field<String> DATASET_BUCKET_FIELD = Field.string(DATASET_BUCKET);

  public EvaluatorSettings {
    Objects.requireNonNull(s3, "s3");
    THREADS_FIELD.check(threads);
    BATCH_SIZE_FIELD.check(batchSize);
    MAX_FORGETTING_SCORE_FIELD.check(maxForgettingScore);
    MAX_NOMUS_DROP_FIELD.check(maxNomusDrop);
    MAX_ACCURACY_DROP_FIELD.check(maxAccuracyDrop);
    Objects.requireNonNull(noise, "noise");
    try {
      s3.withBucket(datasetBucket);
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
    return s3.withBucket(datasetBucket);
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
    Configuration config = new Configuration(env);
    S3Settings s3 = config.section("S3 settings", () -> S3Settings.fromEnv(env, DEFAULT_BUCKET));
    int threads = config.get(THREADS_FIELD);
    int batchSize = config.get(BATCH_SIZE_FIELD);
    int seed = config.get(SEED_FIELD);
    double maxForgettingScore = config.get(MAX_FORGETTING_SCORE_FIELD);
    double maxNomusDrop = config.get(MAX_NOMUS_DROP_FIELD);
    double maxAccuracyDrop = config.get(MAX_ACCURACY_DROP_FIELD);
    double band = config.get(NOISE_BAND_SIGMAS_FIELD);
    double drop = config.get(MIN_DROP_SIGMAS_FIELD);
    int samples = config.get(MIN_ATTACK_SAMPLES_FIELD);
    Optional<String> datasetBucket = config.optional(DATASET_BUCKET_FIELD);
    config.validate();
    return new EvaluatorSettings(
        s3,
        threads,
        batchSize,
        seed,
        maxForgettingScore,
        maxNomusDrop,
        maxAccuracyDrop,
        new NoiseRule(band, drop, samples),
        datasetBucket.orElse(s3.bucket()));
  }
}
