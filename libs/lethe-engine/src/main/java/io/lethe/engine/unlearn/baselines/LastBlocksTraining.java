package io.lethe.engine.unlearn.baselines;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Set;

/**
 * What CF-k and EU-k share: freeze everything but the last k blocks, optionally re-initialise
 * those, train them on the retain set with the frozen prefix in eval mode. The frozen blocks are
 * left bit-identical, running statistics included. Trainability is restored afterwards, whatever
 * happens.
 */
final class LastBlocksTraining {
  private LastBlocksTraining() {}

  static UnlearningOutcome run(
      String name,
      Classifier model,
      UnlearningData data,
      LastBlocksConfig config,
      boolean reinitialise,
      ProgressListener progress) {
    HeadBlocks head = new HeadBlocks(model.layers(name));
    int k = config.k();
    Set<String> trained = head.parameterIdsOfLast(k);
    RetainEpochs retain = new RetainEpochs(data, config.training());
    model.freezeTrainableParameters(true);
    try {
      if (reinitialise) {
        reinitialise(model, trained, config.training().seed());
      }
      for (Parameter p : model.block().getParameters().values()) {
        if (trained.contains(p.getId()) && !isRunningStatistic(p)) {
          p.freeze(false);
        }
      }
      RunAccount account = new RunAccount(name, data, progress, retain.totalSteps());
      try (ParameterUpdater updater = new ParameterUpdater(model, config.training())) {
        retain.run(
            model,
            updater,
            account,
            (parameters, pixels) -> head.forward(parameters, pixels, k).get(0));
      } finally {
        account.finished();
      }
      return account.outcome();
    } finally {
      model.freezeTrainableParameters(false);
    }
  }

  /**
   * Gives the parameters in {@code ids} the values a freshly initialised model of the same spec and
   * {@code seed} has (He-normal weights, zero biases, unit BatchNorm scale, fresh running
   * statistics): the engine's own initialisation, so EU-k's blocks start as training would.
   */
  private static void reinitialise(Classifier model, Set<String> ids, int seed) {
    try (Classifier fresh = Classifier.create(model.spec(), model.labels(), seed, model.device())) {
      PairList<String, Parameter> own = model.block().getParameters();
      PairList<String, Parameter> init = fresh.block().getParameters();
      for (int i = 0; i < own.size(); i++) {
        Pair<String, Parameter> target = own.get(i);
        if (!ids.contains(target.getValue().getId())) {
          continue;
        }
        if (!target.getKey().equals(init.get(i).getKey())) {
          throw new IllegalStateException(
              "parameter layout differs from a fresh model at " + target.getKey());
        }
        init.get(i).getValue().getArray().copyTo(target.getValue().getArray());
      }
    }
  }

  private static boolean isRunningStatistic(Parameter p) {
    return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
  }
}
