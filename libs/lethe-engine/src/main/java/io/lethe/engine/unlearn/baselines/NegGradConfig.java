package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@link NegGrad}.
 *
 * <p>Defaults: the same SGD setup as {@link FineTuneConfig} (lr 0.001, momentum 0.9, weight decay
 * 5e-4, batch 32; the DLFD authors' optimiser), one pass over the forget set, and {@code
 * retainWeight} 0, i.e. plain NegGrad (gradient ascent on the forget loss only) as the DLFD paper
 * compares. {@code retainWeight} α &gt; 0 gives NegGrad+ of Kurmanji et al. (SCRUB paper), whose
 * runs use α = 0.999.
 *
 * @param training optimiser, batch size, epochs (over the forget set for plain NegGrad, over the
 *     retain set for NegGrad+), seed
 * @param retainWeight α in [0, 1): the step minimises α·CE(retain) − (1 − α)·CE(forget)
 * @param guard the utility guard (off by default)
 */
public record NegGradConfig(
    TrainingSettings training, double retainWeight, UtilityGuardConfig guard)
    implements GuardedConfig {
  static final TrainingSettings DEFAULTS =
      new TrainingSettings(OptimizerKind.SGD, 0.001f, 0.9f, 5e-4f, 32, 1, 0);

  public NegGradConfig {
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(guard, "guard");
    if (!(retainWeight >= 0 && retainWeight < 1)) {
      throw new IllegalArgumentException("retain weight must be in [0,1), got " + retainWeight);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether retain batches are mixed in (NegGrad+). */
  public boolean combined() {
    return retainWeight > 0;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = training.describe();
    m.put("retainWeight", retainWeight);
    m.putAll(guard.describe());
    return m;
  }

  /** Optional settings, defaults as documented on the record. */
  public static final class Builder extends BaselineBuilder<Builder> {
    private double retainWeight = 0;

    private Builder() {
      super(DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** α of NegGrad+; 0 (default) is plain NegGrad. */
    public Builder optRetainWeight(double v) {
      retainWeight = v;
      return this;
    }

    public NegGradConfig build() {
      return new NegGradConfig(training(), retainWeight, guard());
    }
  }
}
