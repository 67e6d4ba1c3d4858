package io.lethe.engine.unlearn.baselines;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.lethe.engine.training.Optimizers;
import java.util.Locale;

/** The optimisers the baselines' papers use: SGD with momentum, or Adam. */
public enum OptimizerKind {
  SGD,
  ADAM;

  /** A fresh optimiser with a constant learning rate (no baseline paper schedules it). */
  Optimizer build(float learningRate, float momentum, float weightDecay) {
    return switch (this) {
      case SGD -> Optimizers.sgd(learningRate, momentum, weightDecay, false, 1);
      case ADAM ->
          Optimizer.adam()
              .optLearningRateTracker(Tracker.fixed(learningRate))
              .optWeightDecays(weightDecay)
              .build();
    };
  }

  /** "sgd" or "adam", case-insensitive. */
  public static OptimizerKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("optimizer must be sgd or adam, got '" + name + "'", e);
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
