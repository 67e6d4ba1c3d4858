package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Objects;

/**
 * Applies a stock DJL loss to the logits of a {@link ClassifierBlock}'s {@code (logits, embedding)}
 * output.
 *
 * <p>DJL 0.36's classification losses (softmax and sigmoid cross-entropy) read their predictions
 * with {@code NDList.singletonOrThrow()}, so they reject the two-element output instead of reading
 * index 0; wrapping them here lets the classifier train through DJL's Trainer unchanged.
 */
public final class LogitsLoss extends Loss {
  private final Loss loss;

  /**
   * @param loss the loss to apply to the logits; its name is kept for metrics
   */
  public LogitsLoss(Loss loss) {
    super(Objects.requireNonNull(loss, "loss").getName());
    this.loss = loss;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return loss.evaluate(labels, new NDList(ClassifierBlock.logits(predictions)));
  }
}
