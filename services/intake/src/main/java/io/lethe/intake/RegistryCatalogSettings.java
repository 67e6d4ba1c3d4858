package io.lethe.intake;

import io.lethe.config.Configuration;
import io.lethe.config.Field;
import io.lethe.registry.store.S3Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link RegistryModelCatalog} reads models and datasets, and how stale it may get.
 *
 * @param models the model registry ({@code S3_*}, bucket {@code S3_BUCKET}, default {@code
 *     lethe-models})
 * @param datasets the same endpoint, bucket {@code S3_DATASET_BUCKET} (default: {@code S3_BUCKET})
 * @param refresh how often the catalog re-reads the registry ({@code INTAKE_CATALOG_REFRESH},
 *     ISO-8601, default {@code PT30S}, 1 s to 1 h): a new model or a new tombstone is seen at most
 *     this late
 */
public record RegistryCatalogSettings(S3Settings models, S3Settings datasets, Duration refresh) {
  public static final String REFRESH = "INTAKE_CATALOG_REFRESH";
  public static final String DATASET_BUCKET = "S3_DATASET_BUCKET";
  public static final String DEFAULT_BUCKET = "lethe-models";
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
  private static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  private static final Duration MAX_REFRESH = Duration.ofHours(1);

  static final Field<Duration> REFRESH_FIELD =
      Field.duration(REFRESH)
          .optDefault(DEFAULT_REFRESH)
          .optRange(MIN_REFRESH, MAX_REFRESH, "be between " + MIN_REFRESH + " and " + MAX_REFRESH);
  static final Field<String> DATASET_BUCKET_FIELD = Field.string(DATASET_BUCKET);

  public RegistryCatalogSettings {
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(datasets, "datasets");
    Objects.requireNonNull(refresh, REFRESH);
    REFRESH_FIELD.check(refresh);
  }

  /** Datasets in the registry's bucket. */
  public static RegistryCatalogSettings of(S3Settings s3, Duration refresh) {
    return new RegistryCatalogSettings(s3, s3, refresh);
  }

  /**
   * Reads {@code S3_*}, {@code S3_DATASET_BUCKET} and {@code INTAKE_CATALOG_REFRESH} into {@code
   * config}; {@code null} when any is wrong (recorded in {@code config}).
   */
  static RegistryCatalogSettings fromEnv(Configuration config, Map<String, String> env) {
    String context = "S3 settings of the registry catalog";
    S3Settings models = config.section(context, () -> S3Settings.fromEnv(env, DEFAULT_BUCKET));
    Optional<String> datasetBucket = config.optional(DATASET_BUCKET_FIELD);
    Duration refresh = config.get(REFRESH_FIELD);
    if (models == null) {
      return null;
    }
    S3Settings datasets =
        config.section(context, () -> datasetBucket.map(models::withBucket).orElse(models));
    return datasets == null ? null : new RegistryCatalogSettings(models, datasets, refresh);
  }
}
