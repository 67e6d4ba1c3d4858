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
    Instant createdAt) {

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
