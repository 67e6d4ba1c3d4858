package io.lethe.worker;

import io.lethe.service.ServiceMain;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.metrics.Metrics;

/**
 * Runs the worker: settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}, {@code S3_BUCKET},
 * {@code HTTP_PORT}, optional {@code WORKER_JOB_THREADS}, {@code S3_DATASET_BUCKET}, {@code
 * WORKER_JOB_TIMEOUT}, {@code WORKER_ABANDONED_VERSION_GRACE}, {@code WORKER_SCRATCH_DIR}, {@code
 * WORKER_DEVICE} and {@code LETHE_HYPERPARAMETER_LIMITS} (see {@link WorkerSettings}) and the retry
 * policy {@code CONSUMER_RETRY_*} (see {@link RetrySettings})), all checked before anything
 * connects, then {@code /metrics}, {@code /health/live}, {@code /health/ready} and the {@link
 * Worker}. Exits 2 on bad settings, 1 if start-up fails.
 */
public final class WorkerMain {
  private static final String SERVICE = "lethe-worker";

  private WorkerMain() {}

  public static void main(String[] args) {
    KafkaSettings kafka = ServiceMain.configOrExit(SERVICE, () -> KafkaSettings.fromEnv("worker"));
    HttpSettings http = ServiceMain.configOrExit(SERVICE, HttpSettings::fromEnv);
    WorkerSettings settings = ServiceMain.configOrExit(SERVICE, WorkerSettings::fromEnv);
    RetrySettings retry =
        ServiceMain.configOrExit(
            SERVICE, () -> RetrySettings.fromEnv(System.getenv(), Worker.DEFAULT_RETRY));
    Metrics metrics = new Metrics(WorkerMetrics.STAGE);
    ServiceMain.launch(
        SERVICE, http, metrics, v -> new Worker(v, kafka, settings, metrics).optRetry(retry));
  }
}
