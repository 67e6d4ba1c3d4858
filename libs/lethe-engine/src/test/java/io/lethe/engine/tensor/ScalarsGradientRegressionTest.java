package io.lethe.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Guards against DJL's freed-scalar bug: {@code NDArray.mul(Number)} and friends free their
 * temporary scalar before backward reads it. Scalars made by {@link Scalars} must give exact
 * gradients every time, and this repeats the check because the bug corrupts about half of trials.
 */
class ScalarsGradientRegressionTest {

  @RepeatedTest(30)
  void gradientsThroughScalarArraysAreExactEveryTime() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {0.5f, -1.25f, 2f, 3.5f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        // y = sum(((x * 3) - 1) / 4 + 0.5 * x^2) => dy/dx = 3/4 + x
        NDArray y =
            x.mul(Scalars.like(x, 3))
                .sub(Scalars.like(x, 1))
                .div(Scalars.like(x, 4))
                .add(x.square().mul(Scalars.like(x, 0.5)))
                .sum();
        // Allocate and free memory between forward and backward, as a real step does.
        for (int i = 0; i < 20; i++) {
          m.randomNormal(new ai.djl.ndarray.types.Shape(256, 256)).close();
        }
        gc.backward(y);
      }
      float[] grad = x.getGradient().toFloatArray();
      float[] xs = {0.5f, -1.25f, 2f, 3.5f};
      for (int i = 0; i < xs.length; i++) {
        assertThat(grad[i]).isCloseTo(0.75f + xs[i], within(1e-6f));
      }
    }
  }

  @RepeatedTest(5)
  void scalarKeepsTheDataTypeOfItsCompanion() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray d = m.create(new double[] {1.0});
      assertThat(Scalars.like(d, 0.1).getDataType()).isEqualTo(d.getDataType());
      assertThat(Scalars.like(d, 0.1).getDouble()).isEqualTo(0.1);
      NDArray f = m.create(new float[] {1f});
      assertThat(Scalars.like(f, 0.25).getDataType()).isEqualTo(f.getDataType());
      assertThat(Scalars.like(f, 0.25).getShape().dimension()).isZero();
    }
  }
}
