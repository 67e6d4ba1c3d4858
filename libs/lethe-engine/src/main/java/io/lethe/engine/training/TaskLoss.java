package io.lethe.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;
import io.lethe.engine.tensor.Scalars;
import io.lethe.format.data.LabelSchema;

/**
 * The classification loss of a task: softmax cross-entropy for single-label data, mean binary
 * cross-entropy over attributes for multi-label data. Per-sample losses feed the
 * membership-inference attack; their mean trains the model.
 *
 * <p>Built from array-only operations (no {@code Number} overloads) so that gradients are exact
 * inside a gradient collector.
 */
public final class TaskLoss extends Loss {
  private final LabelSchema labels;

  public TaskLoss(LabelSchema labels) {
    super(labels.multiLabel() ? "BinaryCrossEntropy" : "SoftmaxCrossEntropy");
    this.labels = labels;
  }

  public static TaskLoss of(LabelSchema labels) {
    return new TaskLoss(labels);
  }

  /**
   * @param logits (N, outputs)
   * @param target (N) class indices (int64) or (N, A) 0/1 attribute values (float32)
   * @return (N) loss of every sample
   */
  public NDArray perSample(NDArray logits, NDArray target) {
    if (labels.multiLabel()) {
      // Stable BCE with logits: max(z,0) - z*y + log(1 + exp(-|z|)).
      NDArray y = target.toType(logits.getDataType(), false);
      NDArray one = Scalars.like(logits, 1);
      NDArray bce =
          Activation.relu(logits).sub(logits.mul(y)).add(logits.abs().neg().exp().add(one).log());
      return bce.mean(new int[] {1});
    }
    NDArray oneHot = target.oneHot(labels.numOutputs(), logits.getDataType());
    return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
  }

  /** Mean loss over the batch. */
  public NDArray mean(NDArray logits, NDArray target) {
    return perSample(logits, target).mean();
  }

  @Override
  public NDArray evaluate(NDList targets, NDList predictions) {
    return mean(predictions.get(0), targets.get(0));
  }
}
