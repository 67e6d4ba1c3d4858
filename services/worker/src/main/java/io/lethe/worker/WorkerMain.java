package io.lethe.worker;

import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the worker: settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}, {@code S3_BUCKET},
 * {@code HTTP_PORT}, optional {@code WORKER_JOB_THREADS}), all checked before anything connects,
 * then {@code /metrics} and {@code /health} and the {@link Worker}. Exits 2 on bad settings, 1 if
 * start-up fails.
 */
public final class WorkerMain {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) {
    KafkaSettings kafka;
    HttpSettings http;
    WorkerSettings settings;
    try {
      kafka = KafkaSettings.fromEnv("worker");
      http = HttpSettings.fromEnv();
      settings = WorkerSettings.fromEnv();
    } catch (ConfigException e) {
      System.err.println("lethe-worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics(WorkerMetrics.STAGE);
    Vertx vertx = Vertx.vertx();
    ServiceLauncher.launch(
            vertx, http, metrics.registry(), v -> new Worker(v, kafka, settings, metrics))
        .onSuccess(
            running -> {
              LOG.info("lethe-worker up, /metrics on port {}", running.httpPort());
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> {
                            try {
                              running.stop().await();
                            } catch (Exception e) {
                              LOG.warn("stop failed: {}", e.toString());
                            }
                          },
                          "lethe-worker-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error("lethe-worker failed to start: {}", e.toString(), e);
              vertx.close().onComplete(ignored -> System.exit(1));
            });
  }
}
