package io.lethe.cli.options;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.engine.unlearn.dlfd.PerturbationSpace;
import java.util.Locale;
import picocli.CommandLine.Option;

/** DLFD's settings; defaults are the engine's (the authors' MUFAC run, α re-derived). */
public final class DlfdOptions {
  @Option(
      names = "--unlearn-lr",
      defaultValue = "0.008",
      description = "SGD learning rate. Default: ${DEFAULT-VALUE}.")
  float learningRate;

  @Option(
      names = "--unlearn-batch-size",
      defaultValue = "32",
      description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--unlearn-epochs",
      defaultValue = "1",
      description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--perturbation-steps",
      defaultValue = "15",
      description = "M. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--alpha",
      defaultValue = "0.001",
      description = "Signed-gradient step in pixel units [0,1]. Default: ${DEFAULT-VALUE}.")
  double alpha;

  @Option(
      names = "--forget-weight",
      defaultValue = "3.0",
      description = "w_f. Default: ${DEFAULT-VALUE}.")
  double forgetWeight;

  @Option(names = "--lambda-start", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
  double lambdaStart;

  @Option(names = "--lambda-end", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  double lambdaEnd;

  @Option(
      names = "--threshold",
      description = "Absolute forgetting-score threshold (authors: 0.15).")
  Double threshold;

  @Option(
      names = "--relative-threshold",
      defaultValue = "0.5",
      description =
          "Perturb while the score is >= this fraction of the original's score (used unless"
              + " --threshold is given). Default: ${DEFAULT-VALUE}.")
  double relativeThreshold;

  @Option(
      names = "--resume-margin",
      defaultValue = "0",
      description =
          "Hysteresis: once the score is below the threshold, perturb again only at threshold +"
              + " this fraction of the original's score. Default: ${DEFAULT-VALUE} (the paper's"
              + " single threshold).")
  double resumeMargin;

  @Option(
      names = "--sinkhorn-epsilon",
      defaultValue = "0.01",
      description = "Default: ${DEFAULT-VALUE}.")
  double epsilon;

  @Option(
      names = "--sinkhorn-iterations",
      defaultValue = "50",
      description = "Default: ${DEFAULT-VALUE}.")
  int sinkhornIterations;

  @Option(
      names = "--features",
      defaultValue = "logits",
      description = "OT on logits or embedding (penultimate layer). Default: ${DEFAULT-VALUE}.")
  String features;

  @Option(
      names = "--ot-on-clean",
      description = "Authors' code variant: OT on unperturbed retain features (no gradient to x*).")
  boolean otOnClean;

  @Option(
      names = "--clamp-normalised",
      description = "Authors' code variant: step and clamp to [0,1] in normalised units.")
  boolean clampNormalised;

  @Option(
      names = "--perturb-in-train-mode",
      description = "Perturbation forwards in training mode.")
  boolean perturbInTrainMode;

  @Option(names = "--no-dynamic-forgetting", description = "Ablation: perturb every batch.")
  boolean noDynamicForgetting;

  @Option(names = "--no-classification-loss", description = "Ablation: OT term only.")
  boolean noClassificationLoss;

  @Option(
      names = "--score-every",
      defaultValue = "10",
      description = "Re-estimate the forgetting score every K batches. Default: ${DEFAULT-VALUE}.")
  int scoreEvery;

  @Option(
      names = "--score-every-while-clean",
      description =
          "While dynamic forgetting trains on clean batches, re-estimate every K batches instead."
              + " Default: --score-every.")
  Integer scoreEveryWhileClean;

  @Option(
      names = "--clean-readings-per-epoch",
      description =
          "At most N clean-phase estimates per epoch (widens the interval on large retain sets)."
              + " Default: no cap.")
  Integer cleanReadingsPerEpoch;

  @Option(
      names = "--guard",
      negatable = true,
      defaultValue = "false",
      description =
          "Switch the utility guard on (it watches accuracy on a held-out slice of the retain"
              + " set and brakes, then stops, DLFD when it falls more than --guard-margin below"
              + " the parent's). Off by default: on a parent that memorised its training set the"
              + " slice's accuracy falls with the memorisation DLFD removes.")
  boolean guard;

  @Option(
      names = "--guard-margin",
      defaultValue = "0.05",
      description = "Utility guard: absolute accuracy DLFD may lose. Default: ${DEFAULT-VALUE}.")
  double guardMargin;

  @Option(
      names = "--guard-slice",
      defaultValue = "256",
      description =
          "Utility guard: at most this many retain samples held out and watched (and at most"
              + " 10%% of the retain set). Default: ${DEFAULT-VALUE}.")
  int guardSlice;

  @Option(
      names = "--guard-every",
      defaultValue = "10",
      description = "Utility guard: batches between checks. Default: ${DEFAULT-VALUE}.")
  int guardEvery;

  @Option(
      names = "--guard-brakes",
      defaultValue = "2",
      description =
          "Utility guard: brakes (roll back, halve α) before a breach stops the run. Default:"
              + " ${DEFAULT-VALUE}.")
  int guardBrakes;

  @Option(names = "--unlearn-seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
  int seed;

  public DlfdConfig config() {
    DlfdConfig.Builder b =
        DlfdConfig.builder()
            .optLearningRate(learningRate)
            .optBatchSize(batchSize)
            .optEpochs(epochs)
            .optPerturbationSteps(steps)
            .optStepSize(alpha)
            .optForgetWeight(forgetWeight)
            .optLambda(lambdaStart, lambdaEnd)
            .optSinkhornEpsilon(epsilon)
            .optSinkhornIterations(sinkhornIterations)
            .optFeatureSource(FeatureSource.valueOf(features.toUpperCase(Locale.ROOT)))
            .optOtOnClean(otOnClean)
            .optPerturbationSpace(
                clampNormalised ? PerturbationSpace.NORMALISED_CLAMPED : PerturbationSpace.PIXEL)
            .optPerturbInTrainingMode(perturbInTrainMode)
            .optDynamicForgetting(!noDynamicForgetting)
            .optClassificationLoss(!noClassificationLoss)
            .optScoreEvery(scoreEvery)
            .optSeed(seed);
    if (scoreEveryWhileClean != null) {
      b.optScoreEveryWhileClean(scoreEveryWhileClean);
    }
    if (cleanReadingsPerEpoch != null) {
      b.optCleanReadingsPerEpoch(cleanReadingsPerEpoch);
    }
    b.optResumeMargin(resumeMargin);
    b.optUtilityGuard(
        UtilityGuardConfig.defaults(guard)
            .withMargin(guardMargin)
            .withSliceSize(guardSlice)
            .withCheckEvery(guardEvery)
            .withMaxBrakes(guardBrakes));
    if (threshold != null) {
      b.optThreshold(threshold);
    } else {
      b.optRelativeThreshold(relativeThreshold);
    }
    return b.build();
  }
}
