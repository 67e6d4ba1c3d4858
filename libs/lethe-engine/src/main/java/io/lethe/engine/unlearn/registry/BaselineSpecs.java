package io.lethe.engine.unlearn.registry;

import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.baselines.BadTeaching;
import io.lethe.engine.unlearn.baselines.BadTeachingConfig;
import io.lethe.engine.unlearn.baselines.BaselineBuilder;
import io.lethe.engine.unlearn.baselines.FineTune;
import io.lethe.engine.unlearn.baselines.FineTuneConfig;
import io.lethe.engine.unlearn.baselines.LastBlocks;
import io.lethe.engine.unlearn.baselines.LastBlocksConfig;
import io.lethe.engine.unlearn.baselines.NegGrad;
import io.lethe.engine.unlearn.baselines.NegGradConfig;
import io.lethe.engine.unlearn.baselines.OptimizerKind;
import io.lethe.engine.unlearn.baselines.Scrub;
import io.lethe.engine.unlearn.baselines.ScrubConfig;
import io.lethe.engine.unlearn.baselines.Unsir;
import io.lethe.engine.unlearn.baselines.UnsirConfig;
import java.util.List;

/**
 * The baselines' keys: those of {@code TrainingSettings} every baseline shares, the method's own,
 * and the utility guard's for the methods that can take utility down. Named as each config's {@code
 * describe()} names them.
 */
final class BaselineSpecs {
  private BaselineSpecs() {}

  private static final List<Setting<BaselineBuilder<?>>> TRAINING =
      List.of(
          Setting.text(
              "optimizer", "sgd or adam", (b, v) -> b.optOptimizer(OptimizerKind.parse(v))),
          Setting.number(
              "learningRate",
              "constant learning rate",
              (b, v) -> b.optLearningRate(v.floatValue())),
          Setting.number(
              "momentum",
              "SGD momentum (ignored by Adam)",
              (b, v) -> b.optMomentum(v.floatValue())),
          Setting.number(
              "weightDecay", "L2 weight decay", (b, v) -> b.optWeightDecay(v.floatValue())),
          Setting.integer("batchSize", "samples per optimiser step", BaselineBuilder::optBatchSize),
          Setting.integer(
              "epochs", "passes over the set the method iterates", BaselineBuilder::optEpochs),
          Setting.integer(
              "seed",
              "seed of shuffling and of the method's random draws",
              BaselineBuilder::optSeed));

  private static final List<Setting<BaselineBuilder<?>>> GUARD =
      GuardSettings.of(BaselineBuilder::guard, BaselineBuilder::optUtilityGuard);

  static List<MethodSpec<?, UnlearningMethod>> all() {
    return List.of(
        fineTune(),
        negGrad(),
        lastBlocks(LastBlocks.CF_K),
        lastBlocks(LastBlocks.EU_K),
        unsir(),
        badTeaching(),
        scrub());
  }

  private static MethodSpec<?, UnlearningMethod> fineTune() {
    return MethodSpec.<FineTuneConfig.Builder, UnlearningMethod>builder(
            FineTune.NAME, FineTuneConfig::builder, b -> new FineTune(b.build()))
        .addAll(TRAINING)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> negGrad() {
    return MethodSpec.<NegGradConfig.Builder, UnlearningMethod>builder(
            NegGrad.NAME, NegGradConfig::builder, b -> new NegGrad(b.build()))
        .addAll(TRAINING)
        .add(
            Setting.<NegGradConfig.Builder>number(
                "retainWeight",
                "α of NegGrad+; 0 is plain NegGrad",
                NegGradConfig.Builder::optRetainWeight))
        .addAll(GUARD)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> lastBlocks(String name) {
    return MethodSpec.<LastBlocksConfig.Builder, UnlearningMethod>builder(
            name, () -> LastBlocks.configBuilder(name), b -> LastBlocks.of(name, b.build()))
        .addAll(TRAINING)
        .add(
            Setting.<LastBlocksConfig.Builder>integer(
                "k", "blocks from the head that are trained", LastBlocksConfig.Builder::optK))
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> unsir() {
    return MethodSpec.<UnsirConfig.Builder, UnlearningMethod>builder(
            Unsir.NAME, UnsirConfig::builder, b -> new Unsir(b.build()))
        .addAll(TRAINING)
        .add(
            Setting.<UnsirConfig.Builder>number(
                "repairLearningRate",
                "learning rate of the repair pass",
                (b, v) -> b.optRepairLearningRate(v.floatValue())))
        .add(
            Setting.<UnsirConfig.Builder>integer(
                "repairEpochs",
                "passes over the retain set in the repair step",
                UnsirConfig.Builder::optRepairEpochs))
        .add(
            Setting.<UnsirConfig.Builder>integer(
                "noiseSteps",
                "optimiser steps that shape each noise batch",
                UnsirConfig.Builder::optNoiseSteps))
        .add(
            Setting.<UnsirConfig.Builder>number(
                "noiseLearningRate",
                "Adam learning rate of the noise",
                (b, v) -> b.optNoiseLearningRate(v.floatValue())))
        .add(
            Setting.<UnsirConfig.Builder>number(
                "noiseNormWeight",
                "weight of the noise's mean squared norm",
                UnsirConfig.Builder::optNoiseNormWeight))
        .addAll(GUARD)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> badTeaching() {
    return MethodSpec.<BadTeachingConfig.Builder, UnlearningMethod>builder(
            BadTeaching.NAME, BadTeachingConfig::builder, b -> new BadTeaching(b.build()))
        .addAll(TRAINING)
        .add(
            Setting.<BadTeachingConfig.Builder>number(
                "temperature", "KL temperature", BadTeachingConfig.Builder::optTemperature))
        .add(
            Setting.<BadTeachingConfig.Builder>number(
                "retainFraction",
                "share of the retain set distilled from the competent teacher",
                BadTeachingConfig.Builder::optRetainFraction))
        .addAll(GUARD)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> scrub() {
    return MethodSpec.<ScrubConfig.Builder, UnlearningMethod>builder(
            Scrub.NAME, ScrubConfig::builder, b -> new Scrub(b.build()))
        .addAll(TRAINING)
        .add(
            Setting.<ScrubConfig.Builder>integer(
                "forgetBatchSize",
                "forget samples per max step",
                ScrubConfig.Builder::optForgetBatchSize))
        .add(
            Setting.<ScrubConfig.Builder>integer(
                "maxSteps", "epochs that begin with a max pass", ScrubConfig.Builder::optMaxSteps))
        .add(
            Setting.<ScrubConfig.Builder>number(
                "temperature", "distillation temperature", ScrubConfig.Builder::optTemperature))
        .add(
            Setting.<ScrubConfig.Builder>number(
                "alpha", "weight of the KL term on retain", ScrubConfig.Builder::optAlpha))
        .add(
            Setting.<ScrubConfig.Builder>number(
                "gamma", "weight of the cross-entropy on retain", ScrubConfig.Builder::optGamma))
        .addAll(GUARD)
        .build();
  }
}
