package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@link Scrub}. Defaults are those of the SCRUB authors' small-scale runs
 * (github.com/meghdadk/SCRUB, as reused by later benchmarks): SGD, lr 0.0005, momentum 0.9, weight
 * decay 5e-4, retain batch 128, forget batch 32, 3 epochs, max steps in the first 2, KD temperature
 * 4, α 0.001 (KL on retain), γ 0.99 (CE on retain). Their learning-rate decay at epochs 3, 5, 9
 * never fires within 3 epochs and is not modelled.
 *
 * @param training optimiser, retain batch size, epochs, seed
 * @param forgetBatchSize forget samples per max step
 * @param maxSteps epochs that begin with a max pass over the forget set ("msteps")
 * @param temperature distillation temperature T
 * @param alpha weight of KL(teacher ‖ student) on retain in the min step
 * @param gamma weight of the cross-entropy on retain in the min step
 * @param guard the utility guard (off by default)
 */
public record ScrubConfig(
    TrainingSettings training,
    int forgetBatchSize,
    int maxSteps,
    double temperature,
    double alpha,
    double gamma,
    UtilityGuardConfig guard)
    implements GuardedConfig {
  static final TrainingSettings DEFAULTS =
      new TrainingSettings(OptimizerKind.SGD, 0.0005f, 0.9f, 5e-4f, 128, 3, 0);

  public ScrubConfig {
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(guard, "guard");
    if (forgetBatchSize < 1) {
      throw new IllegalArgumentException(
          "forget batch size must be positive, got " + forgetBatchSize);
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("max steps must be >= 0, got " + maxSteps);
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (!(alpha >= 0) || !(gamma >= 0) || !Double.isFinite(alpha + gamma)) {
      throw new IllegalArgumentException(
          "alpha and gamma must be >= 0, got " + alpha + " and " + gamma);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = training.describe();
    m.put("forgetBatchSize", forgetBatchSize);
    m.put("maxSteps", maxSteps);
    m.put("temperature", temperature);
    m.put("alpha", alpha);
    m.put("gamma", gamma);
    m.putAll(guard.describe());
    return m;
  }

  /** Optional settings, defaults as documented on the record. */
  public static final class Builder extends BaselineBuilder<Builder> {
    private int forgetBatchSize = 32;
    private int maxSteps = 2;
    private double temperature = 4;
    private double alpha = 0.001;
    private double gamma = 0.99;

    private Builder() {
      super(DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder optForgetBatchSize(int v) {
      forgetBatchSize = v;
      return this;
    }

    public Builder optMaxSteps(int v) {
      maxSteps = v;
      return this;
    }

    public Builder optTemperature(double v) {
      temperature = v;
      return this;
    }

    public Builder optAlpha(double v) {
      alpha = v;
      return this;
    }

    public Builder optGamma(double v) {
      gamma = v;
      return this;
    }

    public ScrubConfig build() {
      return new ScrubConfig(
          training(), forgetBatchSize, maxSteps, temperature, alpha, gamma, guard());
    }
  }
}
