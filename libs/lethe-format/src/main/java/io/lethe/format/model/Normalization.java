package io.lethe.format.model;

import java.util.Arrays;

/**
 * Per-channel input normalisation {@code (x - mean) / std}, applied by the model itself as its
 * first operation (the engine's {@code InputNormalizer}), so that everything outside the model
 * (data, perturbations) lives in pixel space [0,1].
 */
public record Normalization(float[] mean, float[] std) {
  public Normalization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** ImageNet statistics (RGB). */
  public static Normalization imagenet() {
    return new Normalization(
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }

  /** The same mean and std on every one of {@code channels} channels. */
  public static Normalization uniform(int channels, float mean, float std) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(m, mean);
    Arrays.fill(s, std);
    return new Normalization(m, s);
  }

  public int channels() {
    return mean.length;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
