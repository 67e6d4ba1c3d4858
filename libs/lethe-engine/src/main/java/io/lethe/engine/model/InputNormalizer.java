package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.format.model.Normalization;

/** Applies a model's {@link Normalization} to its input tensor: the model's first operation. */
public final class InputNormalizer {
  private InputNormalizer() {}

  /**
   * {@code (x - mean) / std} per channel of a (N, C, H, W) array, with the constants created in x's
   * manager so they live as long as the graph that may read them during backward. Only array
   * operands: inside a GradientCollector DJL frees the temporary scalar of {@code
   * NDArray.sub(Number)} too early, which corrupts input gradients.
   */
  public static NDArray apply(Normalization normalization, NDArray x) {
    int c = normalization.channels();
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != c) {
      throw new IllegalArgumentException(
          "expected input (N, " + c + ", H, W) but got " + x.getShape());
    }
    NDManager manager = x.getManager();
    Shape perChannel = new Shape(1, c, 1, 1);
    NDArray m = manager.create(normalization.mean(), perChannel).toType(x.getDataType(), false);
    NDArray s = manager.create(normalization.std(), perChannel).toType(x.getDataType(), false);
    return x.sub(m).div(s);
  }
}
