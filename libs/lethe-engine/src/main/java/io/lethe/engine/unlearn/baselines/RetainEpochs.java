package io.lethe.engine.unlearn.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.unlearn.UnlearningData;

/**
 * Epochs of plain cross-entropy training on the retain set, the core of Fine-tune, CF-k, EU-k and
 * UNSIR's repair step. The ragged last batch of an epoch is dropped (BatchNorm dislikes tiny
 * batches), as the engine's supervised trainer does; every batch lives in its own sub-manager.
 */
final class RetainEpochs {
  /** The logits a training step differentiates. */
  @FunctionalInterface
  interface TrainingForward {
    NDArray logits(ParameterStore parameters, NDArray pixels);
  }

  private final UnlearningData data;
  private final int batchSize;
  private final int batchesPerEpoch;
  private final int epochs;
  private final long seed;

  RetainEpochs(UnlearningData data, int batchSize, int epochs, long seed) {
    this.data = data;
    this.batchSize = Math.min(batchSize, data.retain().length);
    this.batchesPerEpoch = data.retain().length / this.batchSize;
    this.epochs = epochs;
    this.seed = seed;
  }

  RetainEpochs(UnlearningData data, TrainingSettings settings) {
    this(data, settings.batchSize(), settings.epochs(), settings.seed());
  }

  long totalSteps() {
    return (long) batchesPerEpoch * epochs;
  }

  /** The usual forward: the whole network in training mode. */
  static TrainingForward whole(Classifier model) {
    return (parameters, pixels) -> model.forward(parameters, pixels, true).get(0);
  }

  /**
   * @return false when the utility guard stopped the run (the model is then its last state within
   *     the margin)
   */
  boolean run(
      Classifier model, ParameterUpdater updater, RunAccount account, TrainingForward forward) {
    ImageBatches batches = new ImageBatches(data.dataset());
    TaskLoss loss = TaskLoss.of(model.labels());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = Indices.shuffled(data.retain(), seed * 1_000_003L + epoch);
      for (int b = 0; b < batchesPerEpoch; b++) {
        int from = b * batchSize;
        double value;
        try (NDManager batch = updater.newBatchManager()) {
          NDArray x = batches.images(batch, order, from, from + batchSize);
          NDArray y = batches.labels(batch, order, from, from + batchSize);
          value = updater.minimise(() -> loss.mean(forward.logits(parameters, x), y));
        }
        if (!account.steppedGoingOn(value, batchSize, 0, updater)) {
          return false;
        }
      }
    }
    return true;
  }
}
