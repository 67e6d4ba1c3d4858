package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Map;

/**
 * CF-k (catastrophic forgetting of the last k blocks; Goel et al., 2022): fine-tune only the last k
 * blocks, counted from the head, on the retain set; the rest is frozen and runs in eval mode. Reads
 * the retain set {@code epochs} times, the forget set never.
 */
public final class CfK implements UnlearningMethod {
  public static final String NAME = "cf-k";

  private final LastBlocksConfig config;

  public CfK(LastBlocksConfig config) {
    this.config = config;
  }

  /** The default configuration. */
  public static LastBlocksConfig.Builder configBuilder() {
    return LastBlocksConfig.cfBuilder();
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
    return LastBlocksTraining.run(NAME, model, data, config, false, progress);
  }
}
