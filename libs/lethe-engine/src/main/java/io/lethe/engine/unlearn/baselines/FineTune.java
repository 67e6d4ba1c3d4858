package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Map;

/**
 * Fine-tune: continue training the whole model on the retain set only, relying on catastrophic
 * forgetting to wash the forget samples out. Reads the retain set {@code epochs} times and the
 * forget set never.
 */
public final class FineTune implements UnlearningMethod {
  public static final String NAME = "finetune";

  private final FineTuneConfig config;

  public FineTune(FineTuneConfig config) {
    this.config = config;
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
