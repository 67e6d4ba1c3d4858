package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.api.Test;

/**
 * The small CNN trains with a stock DJL loss on its logits and a stock optimiser: a few Adam steps
 * on a fixed Fashion-MNIST-shaped batch bring its eval-mode loss well down.
 */
class SmallCnnLearningTest {
  private static final int SAMPLES = 16;
  private static final int STEPS = 30;

  @Test
  void fitsAFixedBatchWithAStockLossAndOptimizer() {
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      NDArray x = manager.randomUniform(0f, 1f, Models.inputShape(spec, SAMPLES));
      float[] classes = new float[SAMPLES];
      for (int i = 0; i < SAMPLES; i++) {
        classes[i] = i % 10;
      }
      NDList labels = new NDList(manager.create(classes));
      Loss loss = new LogitsLoss(Loss.softmaxCrossEntropyLoss());
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.003f)).build();

      float before = evalLoss(block, manager, x, labels, loss);
      for (int step = 0; step < STEPS; step++) {
        try (NDManager stepManager = manager.newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDList out = ModelFixture.forward(block, stepManager, x, true);
          collector.backward(loss.evaluate(labels, out));
          for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
              adam.update(p.getId(), p.getArray(), p.getArray().getGradient());
            }
          }
        }
      }
      float after = evalLoss(block, manager, x, labels, loss);

      assertThat(after).isLessThan(before * 0.5f);
    }
  }

  private static float evalLoss(
      ClassifierBlock block, NDManager manager, NDArray x, NDList labels, Loss loss) {
    return loss.evaluate(labels, ModelFixture.forward(block, manager, x, false)).getFloat();
  }
}
