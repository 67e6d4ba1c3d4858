package io.lethe.intake;

import io.lethe.registry.store.S3Settings;
import io.lethe.service.config.ConfigException;
import java.time.Duration;
import java.util.Objects;

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

  public RegistryCatalogSettings {
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(datasets, "datasets");
    Objects.requireNonNull(refresh, REFRESH);
    if (refresh.compareTo(MIN_REFRESH) < 0 || refresh.compareTo(MAX_REFRESH) > 0) {
      throw new ConfigException(
          REFRESH + " must be between " + MIN_REFRESH + " and " + MAX_REFRESH + ", got " + refresh);
    }
  }

  /** Datasets in the registry's bucket. */
  public static RegistryCatalogSettings of(S3Settings s3, Duration refresh) {
    return new RegistryCatalogSettings(s3, s3, refresh);
  }
}
