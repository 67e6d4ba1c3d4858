package io.lethe.engine.tensor;

import ai.djl.ndarray.NDArray;

/**
 * 0-d arrays that live as long as the manager of the array they accompany.
 *
 * <p>Why: in DJL 0.36 the {@code Number} overloads of {@code NDArray.add/sub/mul/div/maximum} free
 * their temporary scalar right after the op, and a later {@code backward} reads that freed memory
 * (wrong or NaN gradients in about half of trials). Inside a gradient collector, always use a 0-d
 * array made here instead. {@code ScalarsGradientRegressionTest} guards this.
 */
public final class Scalars {
  private Scalars() {}

  /** A 0-d array holding {@code value}, with the data type and manager of {@code like}. */
  public static NDArray like(NDArray like, double value) {
    NDArray scalar = like.getManager().create(value);
    if (scalar.getDataType() == like.getDataType()) {
      return scalar;
    }
    NDArray converted = scalar.toType(like.getDataType(), false);
    scalar.close();
    return converted;
  }
}
