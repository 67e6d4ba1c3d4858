package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The registry's record of one model version ({@code schemas/model-version-manifest.v1.json}).
 *
 * @param parentVersion {@code null} for an original model
 * @param forgetRequestIds forget requests applied to make this version
 * @param subjectsForgotten every subject forgotten, cumulative along the lineage
 * @param datasetVersion {@code sha256:<hex>} fingerprint of the training dataset
 * @param objects every object of this version, with its hash
 * @param metrics {@code null} until the version is evaluated
 * @param datasetId the registry dataset the version was trained on / is valid for; {@code null} for
 *     versions whose data lives only where the checkpoint's dataset source says
 * @param datasetRevision the dataset version (tombstone revision, 0 = as uploaded) that holds every
 *     subject this version forgot tombstoned; {@code null} without {@code datasetId}
 * @param format how the checkpoint stores the model: {@value #FORMAT_LETHE} (the engine's own
 *     networks) or {@value #FORMAT_TORCHSCRIPT} (a user's TorchScript module, exportable as is);
 *     {@code null} in manifests written before the field existed, which are {@value #FORMAT_LETHE}
 */
public record ModelVersionManifest(
    String modelId,
    int version,
    @JsonInclude(JsonInclude.Include.ALWAYS) Integer parentVersion,
    Method method,
    List<String> forgetRequestIds,
    List<String> subjectsForgotten,
    String datasetVersion,
    String checkpointUri,
    List<StoredObject> objects,
    Metrics metrics,
    Instant createdAt,
    String datasetId,
    Integer datasetRevision,
    @JsonInclude(JsonInclude.Include.NON_NULL) String format) {
  public static final String FORMAT_LETHE = "lethe";
  public static final String FORMAT_TORCHSCRIPT = "torchscript";

  /** The format, {@value #FORMAT_LETHE} when the manifest does not record one. */
  public String formatOrDefault() {
    return format == null ? FORMAT_LETHE : format;
  }

  /** One stored object: key relative to the version's prefix, hash and size. */
  public record StoredObject(String key, String sha256, long bytes) {}

  /** The evaluation summary kept with the version. */
  public record Metrics(
      double testAccuracy,
      double testTop2Accuracy,
      double miaAccuracy,
      double forgettingScore,
      double nomus,
      boolean gatesPassed,
      Instant evaluatedAt) {}
}
