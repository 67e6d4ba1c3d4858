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
 */
public record WorkerSettings(S3Settings s3, int jobThreads) {
  public static final String JOB_THREADS = "WORKER_JOB_THREADS";
  public static final String DEFAULT_BUCKET = "lethe-models";

  public WorkerSettings {
    Objects.requireNonNull(s3, "s3");
    if (jobThreads < 1 || jobThreads > 64) {
      throw new ConfigException(JOB_THREADS + " must be in [1, 64], got " + jobThreads);
    }
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
    return new WorkerSettings(s3, n);
  }

  private static String optional(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
