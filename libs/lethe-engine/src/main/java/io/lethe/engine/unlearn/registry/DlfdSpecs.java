package io.lethe.engine.unlearn.registry;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.DlfdConfig.Builder;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.engine.unlearn.dlfd.PerturbationSpace;

/**
 * DLFD's and retraining's keys, named as {@link DlfdConfig#describe()} and {@link
 * TrainingRecipe#describe()} name them. The builders' setters document each one.
 */
final class DlfdSpecs {
  private DlfdSpecs() {}

  static MethodSpec<Builder, DlfdConfig> dlfd() {
    return MethodSpec.builder("dlfd", DlfdConfig::builder, Builder::build)
        .floating("learningRate", "SGD learning rate", Builder::optLearningRate)
        .floating("momentum", "SGD momentum", Builder::optMomentum)
        .floating("weightDecay", "L2 weight decay", Builder::optWeightDecay)
        .integer("batchSize", "retain (and forget) batch size", Builder::optBatchSize)
        .integer("epochs", "passes over the retain set", Builder::optEpochs)
        .integer("perturbationSteps", "M, steps per batch", Builder::optPerturbationSteps)
        .number("stepSize", "α, perturbation step in pixel units", Builder::optStepSize)
        .number("alpha", "the paper's name of stepSize", Builder::optStepSize)
        .number("forgetWeight", "w_f, weight of the OT term", Builder::optForgetWeight)
        .number("lambdaStart", "λ of the classification term first", Builder::optLambdaStart)
        .number("lambdaEnd", "λ of the classification term last", Builder::optLambdaEnd)
        .bool("classificationLoss", "false: OT term only", Builder::optClassificationLoss)
        .bool("dynamicForgetting", "false: perturb every batch", Builder::optDynamicForgetting)
        .number("threshold", "absolute forgetting-score threshold", Builder::optThreshold)
        .number("relativeThreshold", "share of the original's score", Builder::optRelativeThreshold)
        .number("resumeMargin", "hysteresis above the threshold", Builder::optResumeMargin)
        .number("sinkhornEpsilon", "Sinkhorn ε", Builder::optSinkhornEpsilon)
        .integer("sinkhornIterations", "Sinkhorn iteration cap", Builder::optSinkhornIterations)
        .integer("scoreEvery", "batches between score estimates", Builder::optScoreEvery)
        .integer(
            "scoreEveryWhileClean", "the same, on clean batches", Builder::optScoreEveryWhileClean)
        .integer(
            "cleanReadingsPerEpoch",
            "clean estimates per epoch at most",
            Builder::optCleanReadingsPerEpoch)
        .integer("scoreSampleSize", "samples scored per estimate", Builder::optScoreSampleSize)
        .integer("scoreSplits", "splits of the score's attack", Builder::optScoreSplits)
        .integer("seed", "seed of shuffling and sampling", Builder::optSeed)
        .integer(
            "batchNormRecalibrationBatches",
            "BatchNorm re-estimate at the end",
            Builder::optBatchNormRecalibration)
        .addAll(GuardSettings.of(Builder::utilityGuard, Builder::optUtilityGuard))
        .add(
            Setting.choice(
                    "featureSource",
                    "OT on logits or embedding",
                    FeatureSource.class,
                    Builder::optFeatureSource)
                .asResearch())
        .add(
            Setting.<Builder>bool(
                    "otOnClean", "authors' code: OT on clean features", Builder::optOtOnClean)
                .asResearch())
        .add(
            Setting.choice(
                    "perturbationSpace",
                    "pixel or the authors' normalised units",
                    PerturbationSpace.class,
                    Builder::optPerturbationSpace)
                .asResearch())
        .add(
            Setting.<Builder>bool(
                    "perturbInTrainingMode",
                    "perturb in training mode",
                    Builder::optPerturbInTrainingMode)
                .asResearch())
        .build();
  }

  static MethodSpec<TrainingRecipe.Builder, TrainingRecipe> retrain() {
    return MethodSpec.builder("retrain", TrainingRecipe::builder, TrainingRecipe.Builder::build)
        .integer("epochs", "passes over the retain set", TrainingRecipe.Builder::optEpochs)
        .integer("batchSize", "batch size", TrainingRecipe.Builder::optBatchSize)
        .floating("learningRate", "SGD learning rate", TrainingRecipe.Builder::optLearningRate)
        .floating("momentum", "SGD momentum", TrainingRecipe.Builder::optMomentum)
        .floating("weightDecay", "L2 weight decay", TrainingRecipe.Builder::optWeightDecay)
        .bool(
            "cosineSchedule",
            "cosine learning-rate decay",
            TrainingRecipe.Builder::optCosineSchedule)
        .integer("seed", "seed of initialisation and shuffling", TrainingRecipe.Builder::optSeed)
        .build();
  }
}
