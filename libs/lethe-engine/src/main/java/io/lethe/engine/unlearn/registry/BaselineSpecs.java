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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The baselines' keys: those of {@code TrainingSettings} every baseline shares, the method's own,
 * and the utility guard's for the methods that can take utility down. Named as each config's {@code
 * describe()} names them; the configs document each one.
 */
final class BaselineSpecs {
  private BaselineSpecs() {}

  private static final List<Setting<BaselineBuilder<?>>> TRAINING =
      List.of(
          Setting.text(
              "optimizer", "sgd or adam", (b, v) -> b.optOptimizer(OptimizerKind.parse(v))),
          Setting.floating(
              "learningRate", "constant learning rate", BaselineBuilder::optLearningRate),
          Setting.floating(
              "momentum", "SGD momentum (Adam ignores it)", BaselineBuilder::optMomentum),
          Setting.floating("weightDecay", "L2 weight decay", BaselineBuilder::optWeightDecay),
          Setting.integer("batchSize", "samples per optimiser step", BaselineBuilder::optBatchSize),
          Setting.integer(
              "epochs", "passes over the set the method iterates", BaselineBuilder::optEpochs),
          Setting.integer("seed", "seed of shuffling and random draws", BaselineBuilder::optSeed));

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

  /** A baseline's spec with the shared training keys declared. */
  private static <B extends BaselineBuilder<B>> MethodSpec.Builder<B, UnlearningMethod> spec(
      String name, Supplier<B> builder, Function<B, UnlearningMethod> method) {
    return MethodSpec.builder(name, builder, method).addAll(TRAINING);
  }

  /** A spec with the shared training keys and the utility guard's declared. */
  private static <B extends BaselineBuilder<B>> MethodSpec.Builder<B, UnlearningMethod> guarded(
      String name, Supplier<B> builder, Function<B, UnlearningMethod> method) {
    return spec(name, builder, method).addAll(GUARD);
  }

  private static MethodSpec<?, UnlearningMethod> fineTune() {
    return spec(FineTune.NAME, FineTuneConfig::builder, b -> new FineTune(b.build())).build();
  }

  private static MethodSpec<?, UnlearningMethod> negGrad() {
    return guarded(NegGrad.NAME, NegGradConfig::builder, b -> new NegGrad(b.build()))
        .number("retainWeight", "α of NegGrad+, 0: plain", NegGradConfig.Builder::optRetainWeight)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> lastBlocks(String name) {
    return spec(name, () -> LastBlocks.configBuilder(name), b -> LastBlocks.of(name, b.build()))
        .integer("k", "blocks from the head that are trained", LastBlocksConfig.Builder::optK)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> unsir() {
    return guarded(Unsir.NAME, UnsirConfig::builder, b -> new Unsir(b.build()))
        .floating("repairLearningRate", "repair pass", UnsirConfig.Builder::optRepairLearningRate)
        .integer("repairEpochs", "repair passes over retain", UnsirConfig.Builder::optRepairEpochs)
        .integer("noiseSteps", "steps shaping each noise batch", UnsirConfig.Builder::optNoiseSteps)
        .floating("noiseLearningRate", "noise's Adam", UnsirConfig.Builder::optNoiseLearningRate)
        .number("noiseNormWeight", "noise norm penalty", UnsirConfig.Builder::optNoiseNormWeight)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> badTeaching() {
    return guarded(BadTeaching.NAME, BadTeachingConfig::builder, b -> new BadTeaching(b.build()))
        .number("temperature", "KL temperature", BadTeachingConfig.Builder::optTemperature)
        .number("retainFraction", "retain share", BadTeachingConfig.Builder::optRetainFraction)
        .build();
  }

  private static MethodSpec<?, UnlearningMethod> scrub() {
    return guarded(Scrub.NAME, ScrubConfig::builder, b -> new Scrub(b.build()))
        .integer(
            "forgetBatchSize",
            "forget samples per max step",
            ScrubConfig.Builder::optForgetBatchSize)
        .integer("maxSteps", "epochs that begin with a max pass", ScrubConfig.Builder::optMaxSteps)
        .number("temperature", "distillation temperature", ScrubConfig.Builder::optTemperature)
        .number("alpha", "weight of the KL term on retain", ScrubConfig.Builder::optAlpha)
        .number("gamma", "weight of the cross-entropy on retain", ScrubConfig.Builder::optGamma)
        .build();
  }
}
