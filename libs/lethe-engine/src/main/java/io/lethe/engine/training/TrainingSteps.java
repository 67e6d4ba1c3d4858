package io.lethe.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

/** The one SGD step every training loop in the engine takes. */
public final class TrainingSteps {
  private TrainingSteps() {}

  /**
   * Forward in training mode (BatchNorm batch statistics, dropout on), backward of the mean loss,
   * optimiser step.
   *
   * @return the batch loss
   */
  public static double sgdStep(Trainer trainer, TaskLoss loss, NDArray x, NDArray y) {
    NDArray value;
    try (GradientCollector collector = trainer.newGradientCollector()) {
      NDList out = trainer.forward(new NDList(x));
      value = loss.mean(out.get(0), y);
      collector.backward(value);
    }
    trainer.step();
    return value.getFloat();
  }
}
