package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;

/**
 * Fine-tune: continue training the whole model on the retain set only, relying on catastrophic
 * forgetting to wash the forget samples out. Reads the retain set {@code epochs} times and the
 * forget set never.
 */
public final class FineTune extends Baseline<FineTuneConfig> {
  public static final String NAME = "finetune";

  public FineTune(FineTuneConfig config) {
    super(NAME, config);
  }

  @Override
  public UnlearningOutcome unlearn(
      Classifier model, UnlearningData data, ProgressListener progress) {
    RetainEpochs retain = new RetainEpochs(data, config.training());
    RunAccount account = new RunAccount(NAME, data, progress, retain.totalSteps());
    try (ParameterUpdater updater = new ParameterUpdater(model, config.training())) {
      retain.run(model, updater, account, RetainEpochs.whole(model));
    } finally {
      account.finished();
    }
    return account.outcome();
  }
}
