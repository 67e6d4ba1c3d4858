package io.lethe.evaluator;

import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the evaluator: settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}, {@code S3_BUCKET},
 * {@code HTTP_PORT}, optional {@code EVALUATOR_THREADS}, {@code EVALUATOR_BATCH_SIZE}, {@code
 * EVALUATOR_SEED} and the gates {@code EVALUATOR_MAX_FORGETTING_SCORE} (default 0.1) and {@code
 * EVALUATOR_MAX_NOMUS_DROP} (default 0.02)), all checked before anything connects, then {@code
 * /metrics} and {@code /health} and the {@link Evaluator}. Exits 2 on bad settings, 1 if start-up
 * fails.
 */
public final class EvaluatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorMain.class);

  private EvaluatorMain() {}

  public static void main(String[] args) {
    KafkaSettings kafka;
    HttpSettings http;
    EvaluatorSettings settings;
    try {
      kafka = KafkaSettings.fromEnv("evaluator");
      http = HttpSettings.fromEnv();
      settings = EvaluatorSettings.fromEnv();
    } catch (ConfigException e) {
      System.err.println("lethe-evaluator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics(EvaluatorMetrics.STAGE);
    Vertx vertx = Vertx.vertx();
    ServiceLauncher.launch(
            vertx, http, metrics.registry(), v -> new Evaluator(v, kafka, settings, metrics))
        .onSuccess(
            running -> {
              LOG.info("lethe-evaluator up, /metrics on port {}", running.httpPort());
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
                          "lethe-evaluator-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error("lethe-evaluator failed to start: {}", e.toString(), e);
              vertx.close().onComplete(ignored -> System.exit(1));
            });
  }
}
