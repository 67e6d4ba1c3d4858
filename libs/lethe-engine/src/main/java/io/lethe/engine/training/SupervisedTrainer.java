package io.lethe.engine.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.format.data.ImageDataset;
import java.util.Random;

/**
 * Plain supervised training on a set of samples: trains original models and the Retrain gold
 * standard. Every step runs in train mode (BatchNorm batch statistics, dropout on); every batch
 * lives in its own sub-manager, so memory does not grow across batches.
 */
public final class SupervisedTrainer {
  public static final String STAGE = "train";

  private final TrainingRecipe recipe;

  public SupervisedTrainer(TrainingRecipe recipe) {
    this.recipe = recipe;
  }

  /** Trains {@code classifier} in place on {@code indices} of {@code dataset}. */
  public TrainingSummary train(
      Classifier classifier, ImageDataset dataset, int[] indices, ProgressListener progress) {
    if (indices.length == 0) {
      throw new IllegalArgumentException("nothing to train on: the sample set is empty");
    }
    int batchSize = Math.min(recipe.batchSize(), indices.length);
    int batchesPerEpoch = indices.length / batchSize; // drop the ragged tail (BatchNorm dislikes 1)
    int totalSteps = batchesPerEpoch * recipe.epochs();
    TaskLoss loss = TaskLoss.of(classifier.labels());
    ImageBatches batches = new ImageBatches(dataset);
    Random augmentRandom = new Random(recipe.seed() * 31L + 7);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss)
            .optDevices(new Device[] {classifier.device()})
            .optOptimizer(
                Optimizers.sgd(
                    recipe.learningRate(),
                    recipe.momentum(),
                    recipe.weightDecay(),
                    recipe.cosineSchedule(),
                    totalSteps));
    long start = System.nanoTime();
    double lastEpochLoss = Double.NaN;
    progress.stageStarted(STAGE, totalSteps);
    try (OwnedTrainer owned = new OwnedTrainer(classifier, config)) {
      Trainer trainer = owned.trainer();
      long step = 0;
      for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
        int[] order = Indices.shuffled(indices, recipe.seed() * 1_000_003L + epoch);
        double epochLoss = 0;
        for (int b = 0; b < batchesPerEpoch; b++) {
          int from = b * batchSize;
          double stepLoss;
          try (NDManager batch = classifier.manager().newSubManager()) {
            NDArray x =
                batches.images(
                    batch, order, from, from + batchSize, recipe.augmentation(), augmentRandom);
            NDArray y = batches.labels(batch, order, from, from + batchSize);
            stepLoss = TrainingSteps.sgdStep(trainer, loss, x, y);
          }
          epochLoss += stepLoss;
          step++;
          progress.stepCompleted(ProgressEvent.of(STAGE, step, totalSteps, stepLoss));
        }
        lastEpochLoss = epochLoss / batchesPerEpoch;
      }
    } finally {
      progress.stageFinished(STAGE);
    }
    return new TrainingSummary(
        recipe.epochs(), totalSteps, lastEpochLoss, (System.nanoTime() - start) / 1e9);
  }

  /**
   * @param epochs epochs run
   * @param steps optimiser steps taken
   * @param finalEpochLoss mean training loss of the last epoch
   * @param seconds wall time
   */
  public record TrainingSummary(int epochs, long steps, double finalEpochLoss, double seconds) {}
}
