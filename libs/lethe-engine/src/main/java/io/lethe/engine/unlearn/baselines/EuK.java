package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Map;

/**
 * EU-k (exact unlearning of the last k blocks; Goel et al., 2022): re-initialise the last k blocks,
 * counted from the head, and train them from scratch on the retain set; the rest is frozen and runs
 * in eval mode. Nothing of the forget set can survive in the re-initialised blocks; what the frozen
 * prefix memorised stays. Reads the retain set {@code epochs} times, the forget set never.
 */
public final class EuK implements UnlearningMethod {
  public static final String NAME = "eu-k";

  private final LastBlocksConfig config;

  public EuK(LastBlocksConfig config) {
    this.config = config;
  }

  /** The default configuration. */
  public static LastBlocksConfig.Builder configBuilder() {
    return LastBlocksConfig.euBuilder();
  }

  /** Reads the keys of {@link LastBlocksConfig#describe()} from flat settings. */
  public static LastBlocksConfig configFrom(FlatSettings settings) {
    return LastBlocksConfig.fromSettings(configBuilder(), settings);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Object> hyperparameters() {
    return config.describe();
  }

  @Override
  public UnlearningOutcome unlearn(
      Classifier model, UnlearningData data, ProgressListener progress) {
    return LastBlocksTraining.run(NAME, model, data, config, true, progress);
  }
}
