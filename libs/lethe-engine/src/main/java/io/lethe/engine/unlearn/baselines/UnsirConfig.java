package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@link Unsir}. Defaults from Tarun et al. ("Fast Yet Effective Machine Unlearning",
 * IEEE TNNLS 2023) and their code (github.com/vikram2000b/Fast-Machine-Unlearning): noise learnt by
 * Adam at lr 0.1 on −CE + 0.1·mean‖noise‖², impair with Adam at lr 0.02 for 1 epoch, repair with
 * Adam at lr 0.01 for 1 epoch. The batch size (32, the DLFD authors') is both the noise batch and
 * the retain batch it is mixed with. The authors run the noise optimisation for a few epochs of a
 * handful of steps; 20 steps per noise batch is Lethe's choice.
 *
 * @param training impair optimiser and learning rate, batch size, impair epochs (passes over the
 *     forget labels), seed (also seeds the initial noise)
 * @param repairLearningRate learning rate of the repair pass (same optimiser kind)
 * @param repairEpochs passes over the retain set in the repair step
 * @param noiseSteps optimiser steps that shape each noise batch
 * @param noiseLearningRate Adam learning rate of the noise
 * @param noiseNormWeight weight of the mean squared L2 norm of the noise images
 * @param guard the utility guard (off by default); it watches the repair pass, not the impair pass,
 *     whose purpose is to lose utility
 */
public record UnsirConfig(
    TrainingSettings training,
    float repairLearningRate,
    int repairEpochs,
    int noiseSteps,
    float noiseLearningRate,
    double noiseNormWeight,
    UtilityGuardConfig guard)
    implements GuardedConfig {
  static final TrainingSettings DEFAULTS =
      new TrainingSettings(OptimizerKind.ADAM, 0.02f, 0f, 0f, 32, 1, 0);

  public UnsirConfig {
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(guard, "guard");
    if (!(repairLearningRate > 0)) {
      throw new IllegalArgumentException(
          "repair learning rate must be positive, got " + repairLearningRate);
    }
    if (repairEpochs < 0) {
      throw new IllegalArgumentException("repair epochs must be >= 0, got " + repairEpochs);
    }
    if (noiseSteps < 1) {
      throw new IllegalArgumentException("noise steps must be positive, got " + noiseSteps);
    }
    if (!(noiseLearningRate > 0)) {
      throw new IllegalArgumentException(
          "noise learning rate must be positive, got " + noiseLearningRate);
    }
    if (!(noiseNormWeight >= 0)) {
      throw new IllegalArgumentException("noise norm weight must be >= 0, got " + noiseNormWeight);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The repair pass's settings: the impair ones with the repair learning rate and epochs. */
  TrainingSettings repair() {
    return new TrainingSettings(
        training.optimizer(),
        repairLearningRate,
        training.momentum(),
        training.weightDecay(),
        training.batchSize(),
        Math.max(1, repairEpochs),
        training.seed() + 1);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = training.describe();
    m.put("repairLearningRate", repairLearningRate);
    m.put("repairEpochs", repairEpochs);
    m.put("noiseSteps", noiseSteps);
    m.put("noiseLearningRate", noiseLearningRate);
    m.put("noiseNormWeight", noiseNormWeight);
    m.putAll(guard.describe());
    return m;
  }

  /** Optional settings, defaults as documented on the record. */
  public static final class Builder extends BaselineBuilder<Builder> {
    private float repairLearningRate = 0.01f;
    private int repairEpochs = 1;
    private int noiseSteps = 20;
    private float noiseLearningRate = 0.1f;
    private double noiseNormWeight = 0.1;

    private Builder() {
      super(DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder optRepairLearningRate(float v) {
      repairLearningRate = v;
      return this;
    }

    /** 0 skips the repair step (to look at the impaired model). */
    public Builder optRepairEpochs(int v) {
      repairEpochs = v;
      return this;
    }

    public Builder optNoiseSteps(int v) {
      noiseSteps = v;
      return this;
    }

    public Builder optNoiseLearningRate(float v) {
      noiseLearningRate = v;
      return this;
    }

    public Builder optNoiseNormWeight(double v) {
      noiseNormWeight = v;
      return this;
    }

    public UnsirConfig build() {
      return new UnsirConfig(
          training(),
          repairLearningRate,
          repairEpochs,
          noiseSteps,
          noiseLearningRate,
          noiseNormWeight,
          guard());
    }
  }
}
