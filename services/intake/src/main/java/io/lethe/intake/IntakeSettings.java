package io.lethe.intake;

import io.lethe.service.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * The intake's configuration, read from the environment and checked before anything connects.
 *
 * @param coalesceWindow how long a model's batch stays open for more subjects ({@code
 *     INTAKE_COALESCE_WINDOW}, ISO-8601, default {@code PT5S}): longer means fewer, larger jobs and
 *     a later start for the first subject
 * @param modelCatalog the JSON catalog of models and their subjects ({@code INTAKE_MODEL_CATALOG},
 *     required; see {@link JsonModelCatalog})
 */
public record IntakeSettings(
    KafkaSettings kafka, HttpSettings http, Duration coalesceWindow, Path modelCatalog) {
  public static final String SERVICE = "intake";
  public static final String COALESCE_WINDOW = "INTAKE_COALESCE_WINDOW";
  public static final String MODEL_CATALOG = "INTAKE_MODEL_CATALOG";
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(5);

  /** Longest window accepted: beyond it, a typo (PT5M for PT5S) would silently stall erasures. */
  public static final Duration MAX_WINDOW = Duration.ofHours(1);

  public IntakeSettings {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(coalesceWindow, COALESCE_WINDOW);
    Objects.requireNonNull(modelCatalog, MODEL_CATALOG);
    if (coalesceWindow.isNegative()
        || coalesceWindow.isZero()
        || coalesceWindow.compareTo(MAX_WINDOW) > 0) {
      throw new ConfigException(
          COALESCE_WINDOW
              + " must be positive and at most "
              + MAX_WINDOW
              + ", got "
              + coalesceWindow);
    }
  }

  public static IntakeSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * From {@code KAFKA_*}, {@code HTTP_*}, {@code INTAKE_COALESCE_WINDOW} and {@code
   * INTAKE_MODEL_CATALOG}.
   *
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static IntakeSettings fromEnv(Map<String, String> env) {
    String window = env.get(COALESCE_WINDOW);
    Duration coalesceWindow = DEFAULT_WINDOW;
    if (window != null && !window.isBlank()) {
      try {
        coalesceWindow = Duration.parse(window.trim());
      } catch (DateTimeParseException e) {
        throw new ConfigException(
            COALESCE_WINDOW + " must be an ISO-8601 duration such as PT5S, got '" + window + "'");
      }
    }
    String catalog = env.get(MODEL_CATALOG);
    if (catalog == null || catalog.isBlank()) {
      throw new ConfigException(MODEL_CATALOG + " is not set: the path of the model catalog JSON");
    }
    return new IntakeSettings(
        KafkaSettings.fromEnv(env, SERVICE),
        HttpSettings.fromEnv(env),
        coalesceWindow,
        Path.of(catalog.trim()));
  }
}
