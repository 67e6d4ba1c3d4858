package io.lethe.engine.training;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** SGD with momentum and weight decay, with a constant or cosine learning rate. */
public final class Optimizers {
  private Optimizers() {}

  /**
   * @param totalSteps optimiser steps the schedule spans (cosine decays to 0 at the end)
   */
  public static Optimizer sgd(
      float learningRate, float momentum, float weightDecay, boolean cosine, int totalSteps) {
    Tracker tracker =
        cosine
            ? Tracker.cosine()
                .setBaseValue(learningRate)
                .optFinalValue(0f)
                .setMaxUpdates(Math.max(1, totalSteps))
                .build()
            : Tracker.fixed(learningRate);
    return Optimizer.sgd()
        .setLearningRateTracker(tracker)
        .optMomentum(momentum)
        .optWeightDecays(weightDecay)
        .build();
  }
}
