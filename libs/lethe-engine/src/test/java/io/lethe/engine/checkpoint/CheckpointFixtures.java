package io.lethe.engine.checkpoint;

import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.List;
import java.util.Map;

/** The small MNIST-shaped model and dataset reference the checkpoint tests share. */
final class CheckpointFixtures {
  static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));
  static final LabelSchema LABELS =
      LabelSchema.singleLabel(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
  static final String FINGERPRINT = "sha256:" + "ab".repeat(32);
  static final CheckpointManifest.Dataset DATASET =
      new CheckpointManifest.Dataset(
          "mnist", FINGERPRINT, Map.of("kind", "idx", "path", "/data/mnist", "trainLimit", "2000"));

  private CheckpointFixtures() {}

  static CheckpointManifest.Builder trainManifest() {
    return CheckpointManifest.builder("train", DATASET).optHyperparameters(Map.of("epochs", 1));
  }
}
