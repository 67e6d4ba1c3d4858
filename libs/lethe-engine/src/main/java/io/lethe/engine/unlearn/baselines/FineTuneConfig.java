package io.lethe.engine.unlearn.baselines;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@link FineTune}.
 *
 * <p>Defaults (issue 4, "Fine-tune (retain, lr 0.001, 2 epochs)", with the DLFD authors' SGD
 * setup): SGD, lr 0.001, momentum 0.9, weight decay 5e-4, batch 32, 2 epochs over the retain set.
 *
 * @param training optimiser, batch size, epochs over the retain set, seed
 */
public record FineTuneConfig(TrainingSettings training) implements BaselineConfig {
  static final TrainingSettings DEFAULTS =
      new TrainingSettings(OptimizerKind.SGD, 0.001f, 0.9f, 5e-4f, 32, 2, 0);

  public FineTuneConfig {
    Objects.requireNonNull(training, "training");
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> describe() {
    return training.describe();
  }

  /** Optional settings, defaults as documented on the record. */
  public static final class Builder extends BaselineBuilder<Builder> {
    private Builder() {
      super(DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    public FineTuneConfig build() {
      return new FineTuneConfig(training());
    }
  }
}
