package io.lethe.registry.service;

import io.lethe.service.ServiceMain;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.metrics.Metrics;

/**
 * Runs the registry service: settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, optional {@code S3_REGION}, {@code
 * S3_BUCKET}; {@code HTTP_PORT} for {@code /metrics} and {@code /health}; {@code REGISTRY_API_PORT}
 * for the API; optional {@code REGISTRY_API_HOST}, {@code REGISTRY_ALIAS} (default {@code
 * production}), {@code REGISTRY_AUTO_PROMOTE} (default true), {@code REGISTRY_IO_THREADS} (default
 * 4); the API's token hashes from {@code LETHE_API_TOKENS_FILE} or {@code LETHE_API_TOKENS}, or
 * {@code LETHE_AUTH=off}), all checked before anything connects, then the {@link Registry}. Exits 2
 * on bad settings, 1 if start-up fails.
 */
public final class RegistryMain {
  private static final String SERVICE = "lethe-registry";

  private RegistryMain() {}

  public static void main(String[] args) {
    HttpSettings http = ServiceMain.configOrExit(SERVICE, HttpSettings::fromEnv);
    RegistrySettings settings = ServiceMain.configOrExit(SERVICE, RegistrySettings::fromEnv);
    Metrics metrics = new Metrics(RegistryMetrics.STAGE);
    ServiceMain.launch(SERVICE, http, metrics, v -> new Registry(v, settings, metrics));
  }
}
