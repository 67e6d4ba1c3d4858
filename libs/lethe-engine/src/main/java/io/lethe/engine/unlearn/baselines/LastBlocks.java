package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;

/**
 * CF-k and EU-k (Goel et al., 2022): train only the last k blocks, counted from the head, on the
 * retain set; the rest is frozen and runs in eval mode. Both read the retain set {@code epochs}
 * times, the forget set never.
 *
 * <ul>
 *   <li>CF-k (catastrophic forgetting of the last k blocks) fine-tunes those blocks.
 *   <li>EU-k (exact unlearning of the last k blocks) re-initialises them and trains them from
 *       scratch: nothing of the forget set can survive in them; what the frozen prefix memorised
 *       stays.
 * </ul>
 */
public final class LastBlocks extends Baseline<LastBlocksConfig> {
  public static final String CF_K = "cf-k";
  public static final String EU_K = "eu-k";

  private final boolean reinitialise;

  private LastBlocks(String name, LastBlocksConfig config, boolean reinitialise) {
    super(name, config);
    this.reinitialise = reinitialise;
  }

  /** CF-k with {@code config} (see {@link LastBlocksConfig#cfBuilder()}). */
  public static LastBlocks cfK(LastBlocksConfig config) {
    return new LastBlocks(CF_K, config, false);
  }

  /** EU-k with {@code config} (see {@link LastBlocksConfig#euBuilder()}). */
  public static LastBlocks euK(LastBlocksConfig config) {
    return new LastBlocks(EU_K, config, true);
  }

  /** CF-k or EU-k by name. */
  public static LastBlocks of(String name, LastBlocksConfig config) {
    return switch (name) {
      case CF_K -> cfK(config);
      case EU_K -> euK(config);
      default -> throw new IllegalArgumentException("not cf-k or eu-k: " + name);
    };
  }

  /** The default configuration of CF-k or EU-k. */
  public static LastBlocksConfig.Builder configBuilder(String name) {
    return switch (name) {
      case CF_K -> LastBlocksConfig.cfBuilder();
      case EU_K -> LastBlocksConfig.euBuilder();
      default -> throw new IllegalArgumentException("not cf-k or eu-k: " + name);
    };
  }

  @Override
  public UnlearningOutcome unlearn(
      Classifier model, UnlearningData data, ProgressListener progress) {
    return LastBlocksTraining.run(name(), model, data, config, reinitialise, progress);
  }
}
