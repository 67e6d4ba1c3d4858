package io.lethe.evaluator;

import io.lethe.service.ServiceMain;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.metrics.Metrics;

/**
 * Runs the evaluator: settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}, {@code S3_BUCKET},
 * {@code HTTP_PORT}, optional {@code EVALUATOR_THREADS}, {@code EVALUATOR_BATCH_SIZE}, {@code
 * EVALUATOR_SEED} and the gates {@code EVALUATOR_MAX_FORGETTING_SCORE} (default 0.1) and {@code
 * EVALUATOR_MAX_NOMUS_DROP} (default 0.02), and the retry policy {@code CONSUMER_RETRY_*} (see
 * {@link RetrySettings})), all checked before anything connects, then {@code /metrics}, {@code
 * /health/live}, {@code /health/ready} and the {@link Evaluator}. Exits 2 on bad settings, 1 if
 * start-up fails.
 */
public final class EvaluatorMain {
  private static final String SERVICE = "lethe-evaluator";

  private EvaluatorMain() {}

  public static void main(String[] args) {
    KafkaSettings kafka =
        ServiceMain.configOrExit(SERVICE, () -> KafkaSettings.fromEnv("evaluator"));
    HttpSettings http = ServiceMain.configOrExit(SERVICE, HttpSettings::fromEnv);
    EvaluatorSettings settings = ServiceMain.configOrExit(SERVICE, EvaluatorSettings::fromEnv);
    RetrySettings retry = ServiceMain.configOrExit(SERVICE, RetrySettings::fromEnv);
    Metrics metrics = new Metrics(EvaluatorMetrics.STAGE);
    ServiceMain.launch(
        SERVICE, http, metrics, v -> new Evaluator(v, kafka, settings, metrics).optRetry(retry));
  }
}
