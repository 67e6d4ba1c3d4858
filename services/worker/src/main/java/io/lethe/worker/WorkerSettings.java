package io.lethe.worker;

import io.lethe.registry.store.S3Settings;
import io.lethe.service.config.ConfigException;
import java.util.Map;
import java.util.Objects;

/**
 * What the worker needs beyond Kafka and HTTP: where the registry lives and how many jobs may run
 * at once. Read from the environment and checked at start-up, so a missing bucket fails the process
 * with the variable's name instead of failing every job.
 *
 * @param s3 the registry's S3 endpoint, credentials, region and bucket ({@code S3_ENDPOINT}, {@code
 *     S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION} (default {@code us-east-1}), {@code
 *     S3_BUCKET} (default {@code lethe-models}))
 * @param jobThreads size of the {@code lethe-unlearning} pool ({@code WORKER_JOB_THREADS}, default
 *     1): a DLFD run uses every core it is given, so more than one job per replica rarely pays
 * @param datasetBucket the bucket of the training datasets ({@code S3_DATASET_BUCKET}, default the
 *     registry's bucket: {@code datasets/} and {@code models/} do not collide), same endpoint
 */
public record WorkerSettings(S3Settings s3, int jobThreads, String datasetBucket) {
  public static final String JOB_THREADS = "WORKER_JOB_THREADS";
  public static final String DATASET_BUCKET = "S3_DATASET_BUCKET";
  public static final String DEFAULT_BUCKET = "lethe-models";

  public WorkerSettings {
    Objects.requireNonNull(s3, "s3");
    if (jobThreads < 1 || jobThreads > 64) {
      throw new ConfigException(JOB_THREADS + " must be in [1, 64], got " + jobThreads);
    }
    try {
      datasets(s3, datasetBucket);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(DATASET_BUCKET + ": " + e.getMessage());
    }
  }

  /** Datasets in the registry's bucket. */
  public WorkerSettings(S3Settings s3, int jobThreads) {
    this(s3, jobThreads, Objects.requireNonNull(s3, "s3").bucket());
  }

  /** Where the training datasets live: the registry's endpoint and credentials, their bucket. */
  public S3Settings datasetS3() {
    return datasets(s3, datasetBucket);
  }

  private static S3Settings datasets(S3Settings s3, String bucket) {
    return new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
  }

  public static WorkerSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static WorkerSettings fromEnv(Map<String, String> env) {
    S3Settings s3;
    try {
      s3 = S3Settings.fromEnv(env, DEFAULT_BUCKET);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("S3 settings: " + e.getMessage());
    }
    String threads = optional(env, JOB_THREADS, "1");
    int n;
    try {
      n = Integer.parseInt(threads);
    } catch (NumberFormatException e) {
      throw new ConfigException(JOB_THREADS + " must be an integer, got '" + threads + "'");
    }
    return new WorkerSettings(s3, n, optional(env, DATASET_BUCKET, s3.bucket()));
  }

  private static String optional(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
