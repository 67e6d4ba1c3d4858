package io.lethe.engine.unlearn.registry;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.DlfdConfig.Builder;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.engine.unlearn.dlfd.PerturbationSpace;

/**
 * DLFD's and retraining's keys, named as {@link DlfdConfig#describe()} and {@link
 * TrainingRecipe#describe()} name them.
 */
final class DlfdSpecs {
  private DlfdSpecs() {}

  static MethodSpec<Builder, DlfdConfig> dlfd() {
    return MethodSpec.builder("dlfd", DlfdConfig::builder, Builder::build)
        .add(
            Setting.<Builder>number(
                "learningRate", "SGD learning rate", (b, v) -> b.optLearningRate(v.floatValue())))
        .add(
            Setting.<Builder>number(
                "momentum", "SGD momentum", (b, v) -> b.optMomentum(v.floatValue())))
        .add(
            Setting.<Builder>number(
                "weightDecay", "L2 weight decay", (b, v) -> b.optWeightDecay(v.floatValue())))
        .add(
            Setting.<Builder>integer(
                "batchSize", "retain (and forget) batch size", Builder::optBatchSize))
        .add(Setting.<Builder>integer("epochs", "passes over the retain set", Builder::optEpochs))
        .add(
            Setting.<Builder>integer(
                "perturbationSteps",
                "M, signed-gradient steps per batch",
                Builder::optPerturbationSteps))
        .add(
            Setting.<Builder>number(
                "stepSize", "α, perturbation step in pixel units", Builder::optStepSize))
        .add(Setting.<Builder>number("alpha", "the paper's name of stepSize", Builder::optStepSize))
        .add(
            Setting.<Builder>number(
                "forgetWeight", "w_f, weight of the OT term", Builder::optForgetWeight))
        .add(
            Setting.<Builder>number(
                "lambdaStart",
                "λ of the classification term at the start",
                Builder::optLambdaStart))
        .add(
            Setting.<Builder>number(
                "lambdaEnd", "λ of the classification term at the end", Builder::optLambdaEnd))
        .add(
            Setting.<Builder>bool(
                "classificationLoss",
                "ablation: false keeps the OT term only",
                Builder::optClassificationLoss))
        .add(
            Setting.<Builder>bool(
                "dynamicForgetting",
                "ablation: false perturbs every batch",
                Builder::optDynamicForgetting))
        .add(
            Setting.<Builder>number(
                "threshold", "absolute forgetting-score threshold", Builder::optThreshold))
        .add(
            Setting.<Builder>number(
                "relativeThreshold",
                "threshold as a share of the original's score",
                Builder::optRelativeThreshold))
        .add(
            Setting.<Builder>number(
                "resumeMargin",
                "hysteresis above the threshold, as a share of the original's score",
                Builder::optResumeMargin))
        .add(Setting.<Builder>number("sinkhornEpsilon", "Sinkhorn ε", Builder::optSinkhornEpsilon))
        .add(
            Setting.<Builder>integer(
                "sinkhornIterations", "Sinkhorn iteration cap", Builder::optSinkhornIterations))
        .add(
            Setting.<Builder>integer(
                "scoreEvery", "batches between forgetting-score estimates", Builder::optScoreEvery))
        .add(
            Setting.<Builder>integer(
                "scoreEveryWhileClean",
                "batches between estimates on clean batches",
                Builder::optScoreEveryWhileClean))
        .add(
            Setting.<Builder>integer(
                "cleanReadingsPerEpoch",
                "at most this many clean-phase estimates per epoch",
                Builder::optCleanReadingsPerEpoch))
        .add(
            Setting.<Builder>integer(
                "scoreSampleSize",
                "forget and unseen samples scored per estimate",
                Builder::optScoreSampleSize))
        .add(
            Setting.<Builder>integer(
                "scoreSplits", "splits of the score's attack", Builder::optScoreSplits))
        .add(Setting.<Builder>integer("seed", "seed of shuffling and sampling", Builder::optSeed))
        .add(
            Setting.<Builder>integer(
                "batchNormRecalibrationBatches",
                "clean batches re-estimating BatchNorm statistics at the end",
                Builder::optBatchNormRecalibration))
        .addAll(GuardSettings.of(Builder::utilityGuard, Builder::optUtilityGuard))
        .add(
            Setting.<Builder, FeatureSource>choice(
                    "featureSource",
                    "OT on logits or embedding",
                    FeatureSource.class,
                    Builder::optFeatureSource)
                .asResearch())
        .add(
            Setting.<Builder>bool(
                    "otOnClean",
                    "authors' code: OT on unperturbed retain features",
                    Builder::optOtOnClean)
                .asResearch())
        .add(
            Setting.<Builder, PerturbationSpace>choice(
                    "perturbationSpace",
                    "pixel units, or the authors' normalised and clamped",
                    PerturbationSpace.class,
                    Builder::optPerturbationSpace)
                .asResearch())
        .add(
            Setting.<Builder>bool(
                    "perturbInTrainingMode",
                    "perturbation forwards in training mode",
                    Builder::optPerturbInTrainingMode)
                .asResearch())
        .build();
  }

  static MethodSpec<TrainingRecipe.Builder, TrainingRecipe> retrain() {
    return MethodSpec.builder("retrain", TrainingRecipe::builder, TrainingRecipe.Builder::build)
        .add(
            Setting.<TrainingRecipe.Builder>integer(
                "epochs", "passes over the retain set", TrainingRecipe.Builder::optEpochs))
        .add(
            Setting.<TrainingRecipe.Builder>integer(
                "batchSize", "batch size", TrainingRecipe.Builder::optBatchSize))
        .add(
            Setting.<TrainingRecipe.Builder>number(
                "learningRate", "SGD learning rate", (b, v) -> b.optLearningRate(v.floatValue())))
        .add(
            Setting.<TrainingRecipe.Builder>number(
                "momentum", "SGD momentum", (b, v) -> b.optMomentum(v.floatValue())))
        .add(
            Setting.<TrainingRecipe.Builder>number(
                "weightDecay", "L2 weight decay", (b, v) -> b.optWeightDecay(v.floatValue())))
        .add(
            Setting.<TrainingRecipe.Builder>bool(
                "cosineSchedule",
                "cosine learning-rate decay",
                TrainingRecipe.Builder::optCosineSchedule))
        .add(
            Setting.<TrainingRecipe.Builder>integer(
                "seed", "seed of initialisation and shuffling", TrainingRecipe.Builder::optSeed))
        .build();
  }
}
