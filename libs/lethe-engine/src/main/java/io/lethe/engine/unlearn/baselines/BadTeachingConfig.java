package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@link BadTeaching}. Defaults from Chundawat et al. (AAAI 2023) and their code
 * (github.com/vikram2000b/bad-teaching-unlearning): Adam, lr 0.0001, batch 256, 1 epoch, KL
 * temperature 1, a random 30 % of the retain set.
 *
 * @param training optimiser, batch size, epochs over forget ∪ retain subset, seed (also seeds the
 *     retain subset and the incompetent teacher's initialisation)
 * @param temperature KL temperature
 * @param retainFraction share of the retain set distilled from the competent teacher, in (0, 1]
 */
public record BadTeachingConfig(
    TrainingSettings training, double temperature, double retainFraction, UtilityGuardConfig guard)
    implements GuardedConfig {
  static final TrainingSettings DEFAULTS =
      new TrainingSettings(OptimizerKind.ADAM, 0.0001f, 0f, 0f, 256, 1, 0);

  public BadTeachingConfig {
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(guard, "guard");
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (!(retainFraction > 0 && retainFraction <= 1)) {
      throw new IllegalArgumentException(
          "retain fraction must be in (0, 1], got " + retainFraction);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = training.describe();
    m.put("temperature", temperature);
    m.put("retainFraction", retainFraction);
    m.putAll(guard.describe());
    return m;
  }

  /** Optional settings, defaults as documented on the record. */
  public static final class Builder extends BaselineBuilder<Builder> {
    private double temperature = 1;
    private double retainFraction = 0.3;

    private Builder() {
      super(DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder optTemperature(double v) {
      temperature = v;
      return this;
    }

    public Builder optRetainFraction(double v) {
      retainFraction = v;
      return this;
    }

    public BadTeachingConfig build() {
      return new BadTeachingConfig(training(), temperature, retainFraction, guard());
    }
  }
}
