package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Per-channel input normalisation {@code (x - mean) / std}, applied by the model itself as its
 * first operation, so that everything outside the model (data, perturbations) lives in pixel space
 * [0,1].
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

  /**
   * {@code (x - mean) / std} per channel of a (N, C, H, W) array, with the constants created in x's
   * manager so they live as long as the graph that may read them during backward. Only array
   * operands: inside a GradientCollector DJL frees the temporary scalar of {@code
   * NDArray.sub(Number)} too early, which corrupts input gradients.
   */
  public NDArray apply(NDArray x) {
    int c = channels();
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != c) {
      throw new IllegalArgumentException(
          "expected input (N, " + c + ", H, W) but got " + x.getShape());
    }
    NDManager manager = x.getManager();
    Shape perChannel = new Shape(1, c, 1, 1);
    NDArray m = manager.create(mean, perChannel).toType(x.getDataType(), false);
    NDArray s = manager.create(std, perChannel).toType(x.getDataType(), false);
    return x.sub(m).div(s);
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
