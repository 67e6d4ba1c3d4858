package io.lethe.engine.checkpoint;

import io.lethe.engine.model.Classifier;
import io.lethe.format.checkpoint.CheckpointManifest;
import java.util.Objects;

/**
 * A verified checkpoint: its manifest and the classifier built from its parameters. It owns the
 * classifier's native memory; close it (or keep the classifier and close that) when done.
 */
public record LoadedCheckpoint(CheckpointManifest manifest, Classifier classifier)
    implements AutoCloseable {
  public LoadedCheckpoint {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(classifier, "classifier");
  }

  @Override
  public void close() {
    classifier.close();
  }
}
