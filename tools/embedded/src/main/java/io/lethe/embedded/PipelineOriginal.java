package io.lethe.embedded;

import io.lethe.api.ModelVersionManifest;
import io.lethe.format.data.ImageDataset;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The original an {@link EmbeddedPipeline} serves: registered by this run with the {@code
 * production} alias, or in serving mode the registry's production version, reused.
 *
 * @param version the registered version, the parent of the versions unlearned from it
 * @param datasetId the registry dataset it names
 * @param dir its local checkpoint; {@code null} when reused from the registry
 * @param trainingSeconds its training time here (NaN when not trained here)
 * @param reused whether it was reused from the registry
 */
record PipelineOriginal(
    ModelVersionManifest version,
    String datasetId,
    Path dir,
    double trainingSeconds,
    boolean reused) {

  /**
   * In serving mode, the model's production version if the registry has one (nothing is uploaded or
   * trained); else registers {@code dataset} and the original now.
   */
  static PipelineOriginal registerOrReuse(
      OriginalRegistration registration, ImageDataset dataset, boolean serving, PrintStream log)
      throws Exception {
    Optional<ModelVersionManifest> production =
        serving ? registration.production() : Optional.empty();
    if (production.isEmpty()) {
      OriginalRegistration.Result r = registration.register(dataset);
      return new PipelineOriginal(
          r.version(), r.datasetId(), r.originalDir().orElseThrow(), r.trainingSeconds(), false);
    }
    ModelVersionManifest registered = production.get();
    String modelId = registration.modelId();
    if (!registered.datasetVersion().equals(dataset.fingerprint())) {
      log.printf(
          "registry: note: %s was trained on dataset %s, the dataset options select %s%n",
          modelId, registered.datasetVersion(), dataset.fingerprint());
    }
    log.printf(
        "registry: %s already registered, production v%d (dataset %s): reused, not retrained%n",
        modelId, registered.version(), registered.datasetId());
    return new PipelineOriginal(registered, registered.datasetId(), null, Double.NaN, true);
  }
}
