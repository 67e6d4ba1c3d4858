package io.lethe.engine.unlearn.dlfd;

/** Which model output DLFD measures the optimal-transport distance on. */
public enum FeatureSource {
  /** The logits (the DLFD authors' choice; the default). */
  LOGITS(0),
  /** The penultimate embedding (128-d for the paper's ResNet-18 head). */
  EMBEDDING(1);

  private final int outputIndex;

  FeatureSource(int outputIndex) {
    this.outputIndex = outputIndex;
  }

  /** Index into the classifier's output list (logits, embedding). */
  public int outputIndex() {
    return outputIndex;
  }
}
