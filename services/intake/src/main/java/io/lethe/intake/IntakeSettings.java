package io.lethe.intake;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Field;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.limits.HyperparameterLimits;
import java.nio.file.Path;
import java.time.Duration;
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

  static final Field<Duration> COALESCE_WINDOW_FIELD =
      Field.duration(COALESCE_WINDOW)
          .optDefault(DEFAULT_WINDOW)
          .optCheck(
              w -> !w.isNegative() && !w.isZero() && w.compareTo(MAX_WINDOW) <= 0,
              "be positive and at most " + MAX_WINDOW);
  static final Field<String> MODEL_CATALOG_FIELD =
      Field.string(MODEL_CATALOG)
          .optDescription(
              "the path of the model catalog JSON, or '"
                  + REGISTRY
                  + "' to read models and datasets from the registry");

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
    COALESCE_WINDOW_FIELD.check(coalesceWindow);
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
    Configuration config = new Configuration(env);
    Duration coalesceWindow = config.get(COALESCE_WINDOW_FIELD);
    String catalog = config.required(MODEL_CATALOG_FIELD);
    KafkaSettings kafka = config.section(() -> KafkaSettings.fromEnv(env, SERVICE));
    HttpSettings http = config.section(() -> HttpSettings.fromEnv(env));
    HyperparameterLimits limits = config.section(() -> HyperparameterLimits.fromEnv(env));
    AuthSettings auth = config.section(() -> AuthSettings.fromEnv(env));
    RegistryCatalogSettings registry =
        REGISTRY.equals(catalog) ? RegistryCatalogSettings.fromEnv(config, env) : null;
    config.validate();
    Path file = registry == null ? Path.of(catalog) : null;
    return new IntakeSettings(kafka, http, coalesceWindow, file, registry, limits, auth);
  }
}
