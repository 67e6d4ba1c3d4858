package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Objects;

/**
 * The setters every baseline config builder shares. Values are checked when the config is built, so
 * a bad value fails with the setting named, wherever it came from.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class BaselineBuilder<B extends BaselineBuilder<B>> {
  private OptimizerKind optimizer;
  private float learningRate;
  private float momentum;
  private float weightDecay;
  private int batchSize;
  private int epochs;
  private int seed;
  private UtilityGuardConfig guard = UtilityGuardConfig.defaults(false);

  protected BaselineBuilder(TrainingSettings defaults) {
    optimizer = defaults.optimizer();
    learningRate = defaults.learningRate();
    momentum = defaults.momentum();
    weightDecay = defaults.weightDecay();
    batchSize = defaults.batchSize();
    epochs = defaults.epochs();
    seed = defaults.seed();
  }

  protected abstract B self();

  public B optOptimizer(OptimizerKind v) {
    optimizer = Objects.requireNonNull(v, "optimizer");
    return self();
  }

  public B optLearningRate(float v) {
    learningRate = v;
    return self();
  }

  public B optMomentum(float v) {
    momentum = v;
    return self();
  }

  public B optWeightDecay(float v) {
    weightDecay = v;
    return self();
  }

  public B optBatchSize(int v) {
    batchSize = v;
    return self();
  }

  public B optEpochs(int v) {
    epochs = v;
    return self();
  }

  public B optSeed(int v) {
    seed = v;
    return self();
  }

  /**
   * The utility guard, for the methods that can take utility down (NegGrad, UNSIR, Bad Teaching,
   * SCRUB); off by default, so a baseline runs as its paper describes unless asked. The others
   * ignore it.
   */
  public B optUtilityGuard(UtilityGuardConfig v) {
    guard = Objects.requireNonNull(v, "utility guard");
    return self();
  }

  /** The utility guard as set so far. */
  public UtilityGuardConfig guard() {
    return guard;
  }

  /** The shared settings as set so far (validated here). */
  protected TrainingSettings training() {
    return new TrainingSettings(
        optimizer, learningRate, momentum, weightDecay, batchSize, epochs, seed);
  }
}
