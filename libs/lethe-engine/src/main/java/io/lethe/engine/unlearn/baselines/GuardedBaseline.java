package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;

/**
 * A baseline that runs under the utility guard: the guard holds its slice of the retain set out of
 * the run, watches it and is closed when the run ends, whatever happens.
 *
 * @param <C> the method's config
 */
public abstract class GuardedBaseline<C extends GuardedConfig> extends Baseline<C> {
  protected GuardedBaseline(String name, C config) {
    super(name, config);
  }

  @Override
  public final UnlearningOutcome unlearn(
      Classifier model, UnlearningData data, ProgressListener progress) {
    try (UtilityGuard guard =
        new UtilityGuard(model, data, config.guard(), config.training().seed())) {
      return run(model, guard.trainingData(), progress, guard);
    }
  }

  /**
   * The method itself.
   *
   * @param data the unlearning data without the guard's slice
   * @param guard the guard to report every step to
   */
  protected abstract UnlearningOutcome run(
      Classifier model, UnlearningData data, ProgressListener progress, UtilityGuard guard);
}
