package io.lethe.intake;

import io.lethe.registry.store.S3Settings;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.limits.HyperparameterLimits;
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
 * @param modelCatalog the JSON catalog of models and their subjects ({@code INTAKE_MODEL_CATALOG} =
 *     a file path; see {@link JsonModelCatalog}), or {@code null} with {@code registryCatalog}
 * @param hyperparameterLimits what a deletion may ask of its method ({@code
 *     LETHE_HYPERPARAMETER_LIMITS}, shared with the worker): beyond them a 422 / dead letter
 * @param registryCatalog with {@code INTAKE_MODEL_CATALOG=registry}: models and subjects from the
 *     registry in S3 ({@link RegistryModelCatalog}, {@link RegistryCatalogSettings}), else {@code
 *     null}
 * @param auth who may call the HTTP API ({@code LETHE_API_TOKENS_FILE} or {@code LETHE_API_TOKENS};
 *     {@code LETHE_AUTH=off} to switch it off: see {@link AuthSettings})
 */
public record IntakeSettings(
    KafkaSettings kafka,
    HttpSettings http,
    Duration coalesceWindow,
    Path modelCatalog,
    RegistryCatalogSettings registryCatalog,
    HyperparameterLimits hyperparameterLimits,
    AuthSettings auth) {
  public static final String SERVICE = "intake";
  public static final String COALESCE_WINDOW = "INTAKE_COALESCE_WINDOW";
  public static final String MODEL_CATALOG = "INTAKE_MODEL_CATALOG";

  /** The {@code INTAKE_MODEL_CATALOG} value that selects the registry-backed catalog. */
  public static final String REGISTRY = "registry";

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(5);

  /** Longest window accepted: beyond it, a typo (PT5M for PT5S) would silently stall erasures. */
  public static final Duration MAX_WINDOW = Duration.ofHours(1);

  public IntakeSettings {
    Objects.requireNonNull(hyperparameterLimits, HyperparameterLimits.ENV);
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(coalesceWindow, COALESCE_WINDOW);
    Objects.requireNonNull(auth, "auth");
    if ((modelCatalog == null) == (registryCatalog == null)) {
      throw new ConfigException(
          MODEL_CATALOG + ": exactly one of a catalog file and the registry must be chosen");
    }
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

  /** With the JSON file catalog {@code modelCatalog} and the default hyperparameter limits. */
  public IntakeSettings(
      KafkaSettings kafka,
      HttpSettings http,
      Duration coalesceWindow,
      Path modelCatalog,
      AuthSettings auth) {
    this(
        kafka,
        http,
        coalesceWindow,
        Objects.requireNonNull(modelCatalog, MODEL_CATALOG),
        null,
        HyperparameterLimits.defaults(),
        auth);
  }

  /** With the default hyperparameter limits. */
  public IntakeSettings(
      KafkaSettings kafka,
      HttpSettings http,
      Duration coalesceWindow,
      Path modelCatalog,
      RegistryCatalogSettings registryCatalog,
      AuthSettings auth) {
    this(
        kafka,
        http,
        coalesceWindow,
        modelCatalog,
        registryCatalog,
        HyperparameterLimits.defaults(),
        auth);
  }

  public static IntakeSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * From {@code KAFKA_*}, {@code HTTP_*}, {@code LETHE_API_TOKENS(_FILE)} / {@code LETHE_AUTH},
   * {@code INTAKE_COALESCE_WINDOW} and {@code INTAKE_MODEL_CATALOG} (a file path, or {@code
   * registry}: then {@code S3_*}, {@code S3_DATASET_BUCKET} and {@code INTAKE_CATALOG_REFRESH}
   * too).
   *
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static IntakeSettings fromEnv(Map<String, String> env) {
    Duration coalesceWindow = duration(env, COALESCE_WINDOW, DEFAULT_WINDOW);
    String catalog = env.get(MODEL_CATALOG);
    if (catalog == null || catalog.isBlank()) {
      throw new ConfigException(
          MODEL_CATALOG
              + " is not set: the path of the model catalog JSON, or '"
              + REGISTRY
              + "' to read models and datasets from the registry");
    }
    KafkaSettings kafka = KafkaSettings.fromEnv(env, SERVICE);
    HttpSettings http = HttpSettings.fromEnv(env);
    HyperparameterLimits limits = HyperparameterLimits.fromEnv(env);
    AuthSettings auth = AuthSettings.fromEnv(env);
    if (!catalog.trim().equals(REGISTRY)) {
      return new IntakeSettings(
          kafka, http, coalesceWindow, Path.of(catalog.trim()), null, limits, auth);
    }
    S3Settings models;
    S3Settings datasets;
    try {
      models = S3Settings.fromEnv(env, RegistryCatalogSettings.DEFAULT_BUCKET);
      String bucket = env.get(RegistryCatalogSettings.DATASET_BUCKET);
      datasets =
          bucket == null || bucket.isBlank()
              ? models
              : new S3Settings(
                  models.endpoint(),
                  models.accessKey(),
                  models.secretKey(),
                  models.region(),
                  bucket.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("S3 settings of the registry catalog: " + e.getMessage());
    }
    Duration refresh =
        duration(env, RegistryCatalogSettings.REFRESH, RegistryCatalogSettings.DEFAULT_REFRESH);
    return new IntakeSettings(
        kafka,
        http,
        coalesceWindow,
        null,
        new RegistryCatalogSettings(models, datasets, refresh),
        limits,
        auth);
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          name + " must be an ISO-8601 duration such as PT5S, got '" + text + "'");
    }
  }
}
