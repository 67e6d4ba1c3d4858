package io.lethe.format.model;

import java.util.Objects;

/**
 * Everything needed to build a classifier: architecture and the shape of its input and output.
 *
 * @param architecture which network
 * @param channels input channels (1 grey, 3 RGB)
 * @param side input height = width in pixels
 * @param numOutputs number of logits (classes, or binary attributes for multi-label tasks)
 * @param normalization per-channel normalisation the model applies to its [0,1] input
 * @param smallInputStem ResNet only: a 3x3 stride-1 stem without max-pool (for inputs under 96 px),
 *     instead of torchvision's 7x7 stride-2 stem with max-pool
 */
public record ModelSpec(
    Architecture architecture,
    int channels,
    int side,
    int numOutputs,
    Normalization normalization,
    boolean smallInputStem) {
  public ModelSpec {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(normalization, "normalization");
    if (channels != normalization.channels()) {
      throw new IllegalArgumentException(
          "normalisation has "
              + normalization.channels()
              + " channels but the input has "
              + channels);
    }
    if (side < 8) {
      throw new IllegalArgumentException("input side must be at least 8 px, got " + side);
    }
    if (numOutputs < 1) {
      throw new IllegalArgumentException("numOutputs must be positive, got " + numOutputs);
    }
  }

  /** A spec with the stem chosen from the input size (small stem below 96 px). */
  public static ModelSpec of(
      Architecture architecture, int channels, int side, int numOutputs, Normalization norm) {
    return new ModelSpec(architecture, channels, side, numOutputs, norm, side < 96);
  }
}
