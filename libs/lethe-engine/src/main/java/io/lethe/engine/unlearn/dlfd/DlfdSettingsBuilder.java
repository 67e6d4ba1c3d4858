package io.lethe.engine.unlearn.dlfd;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.Objects;

/**
 * DLFD's optional settings as a builder collects them: each setter checks its value (naming the
 * setting when it refuses one) and documents its default and why. {@link DlfdConfig.Builder} is the
 * one concrete builder.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class DlfdSettingsBuilder<B extends DlfdSettingsBuilder<B>> {
  float learningRate = 0.008f;
  float momentum = 0.9f;
  float weightDecay = 5e-4f;
  int batchSize = 32;
  int epochs = 1;
  int perturbationSteps = 15;
  double stepSize = 0.001;
  double forgetWeight = 3.0;
  double lambdaStart = 0.0;
  double lambdaEnd = 1.0;
  boolean classificationLoss = true;
  boolean dynamicForgetting = true;
  double threshold = 0.15;
  double relativeThreshold = Double.NaN;
  double resumeMargin = 0.0;
  double sinkhornEpsilon = 0.01;
  int sinkhornIterations = 50;
  FeatureSource featureSource = FeatureSource.LOGITS;
  boolean otOnClean = false;
  PerturbationSpace perturbationSpace = PerturbationSpace.PIXEL;
  boolean perturbInTrainingMode = false;
  int scoreEvery = 10;
  // 0 = not set: build() uses scoreEvery, whatever order the two setters were called in.
  int scoreEveryWhileClean = 0;
  int cleanReadingsPerEpoch = 0;
  int scoreSampleSize = 512;
  int scoreSplits = 10;
  int seed = 0;
  int batchNormRecalibrationBatches = 0;
  UtilityGuardConfig utilityGuard = UtilityGuardConfig.defaults(false);

  DlfdSettingsBuilder() {}

  /** This builder, as its concrete type. */
  protected abstract B self();

  /**
   * The utility guard (default: off; when on, {@link UtilityGuardConfig#defaults}'s margin 0.05,
   * slice of at most 256 retain samples or 10 % of the set, a check every 10 batches, two brakes).
   * A brake rolls back to the last state within the margin and halves α. It stops a step size too
   * large for the data from taking accuracy down (0.84 → 0.47 on a 450-image set), but its slice is
   * retain data the parent was trained on: on a parent that memorised its training set, the slice's
   * accuracy falls as DLFD removes memorisation (0.991 → 0.873 on the main command's original,
   * while test accuracy fell 0.023), so on by default it braked the very forgetting DLFD is for.
   * Off by default; the evaluator's {@code maxAccuracyDrop} gate bounds the test-accuracy loss of
   * every version instead (docs/dlfd.md).
   */
  public B optUtilityGuard(UtilityGuardConfig v) {
    utilityGuard = Objects.requireNonNull(v, "utility guard");
    return self();
  }

  /** The utility guard as set so far. */
  public UtilityGuardConfig utilityGuard() {
    return utilityGuard;
  }

  /**
   * After the last step, re-estimate BatchNorm running statistics from this many clean retain
   * batches (train-mode forwards, no parameter update). Why: every training step on perturbed
   * images also moves the running statistics toward perturbed-image statistics, which the model
   * never sees at inference. 0 disables it (the paper's algorithm).
   */
  public B optBatchNormRecalibration(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("recalibration batches must be >= 0, got " + batches);
    }
    batchNormRecalibrationBatches = batches;
    return self();
  }

  /** SGD learning rate of the training step (authors: 0.008). */
  public B optLearningRate(float v) {
    learningRate = (float) positive(v, "learning rate");
    return self();
  }

  public B optMomentum(float v) {
    if (v < 0 || v >= 1) {
      throw new IllegalArgumentException("momentum must be in [0,1), got " + v);
    }
    momentum = v;
    return self();
  }

  public B optWeightDecay(float v) {
    if (v < 0) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + v);
    }
    weightDecay = v;
    return self();
  }

  /** Retain (and forget) batch size (authors: 32). */
  public B optBatchSize(int v) {
    batchSize = (int) positive(v, "batch size");
    return self();
  }

  /** Passes over the retain set (paper: one). */
  public B optEpochs(int v) {
    epochs = (int) positive(v, "epochs");
    return self();
  }

  /** M, signed-gradient steps per batch (authors: 15). */
  public B optPerturbationSteps(int v) {
    perturbationSteps = (int) positive(v, "perturbation steps");
    return self();
  }

  /**
   * α in pixel units [0,1]. The authors' 0.4 acted on ImageNet-normalised tensors (std ≈ 0.23),
   * i.e. ≈ 0.09 pixel units per step and up to 1.4 over 15 steps: it saturates every pixel, while
   * the paper's premise is that x* stays a training image of class y. We bound the L∞ budget α·M
   * like an adversarial ε instead: 0.001 per step, 0.015 ≈ 4/255 over 15 steps. Larger budgets
   * forget faster but cost test accuracy quickly (docs/dlfd.md has the measurements). Tune it on a
   * validation split, never on test.
   */
  public B optStepSize(double v) {
    stepSize = positive(v, "step size");
    return self();
  }

  /** w_f, weight of the OT term (authors: 3.0). */
  public B optForgetWeight(double v) {
    if (v < 0) {
      throw new IllegalArgumentException("forget weight must be >= 0, got " + v);
    }
    forgetWeight = v;
    return self();
  }

  /** λ of the classification term, linear from start to end over the run (authors: 0 → 1). */
  public B optLambda(double start, double end) {
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException("λ must be >= 0, got " + start + " → " + end);
    }
    lambdaStart = start;
    lambdaEnd = end;
    return self();
  }

  /** λ at the start of the run (see {@link #optLambda}). */
  public B optLambdaStart(double v) {
    return optLambda(v, lambdaEnd);
  }

  /** λ at the end of the run (see {@link #optLambda}). */
  public B optLambdaEnd(double v) {
    return optLambda(lambdaStart, v);
  }

  /** Ablation: without the classification term the perturbation only chases OT distance. */
  public B optClassificationLoss(boolean v) {
    classificationLoss = v;
    return self();
  }

  /** Ablation: without dynamic forgetting every batch is perturbed, whatever the score. */
  public B optDynamicForgetting(boolean v) {
    dynamicForgetting = v;
    return self();
  }

  /** Perturb while the forgetting score is at least this (authors: 0.15). */
  public B optThreshold(double v) {
    if (v < 0 || v > 0.5) {
      throw new IllegalArgumentException("threshold must be in [0, 0.5], got " + v);
    }
    threshold = v;
    relativeThreshold = Double.NaN;
    return self();
  }

  /**
   * Perturb while the score is at least {@code fraction} × the original model's score. Useful when
   * the original's score is below the authors' absolute 0.15 (small data), where an absolute
   * threshold would never switch perturbation on.
   */
  public B optRelativeThreshold(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("relative threshold must be in [0,1], got " + fraction);
    }
    relativeThreshold = fraction;
    return self();
  }

  /**
   * Hysteresis for dynamic forgetting: once the score has fallen below the threshold, perturb again
   * only when it reaches the threshold + {@code fraction} × the original model's score. Why: the
   * score is re-estimated on a sub-sample, and when it settles near the threshold a single
   * threshold switches on noise, each switch costing a perturbed batch and a reading at the braking
   * cadence. Default 0: the paper's single threshold.
   */
  public B optResumeMargin(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("resume margin must be in [0,1], got " + fraction);
    }
    resumeMargin = fraction;
    return self();
  }

  /** Sinkhorn ε (authors: 0.01). */
  public B optSinkhornEpsilon(double v) {
    sinkhornEpsilon = positive(v, "Sinkhorn epsilon");
    return self();
  }

  /** Sinkhorn iteration cap (authors: 50). */
  public B optSinkhornIterations(int v) {
    sinkhornIterations = (int) positive(v, "Sinkhorn iterations");
    return self();
  }

  public B optFeatureSource(FeatureSource v) {
    featureSource = Objects.requireNonNull(v, "feature source");
    return self();
  }

  /**
   * The authors' code: the OT term uses the unperturbed retain logits, so it has no gradient with
   * respect to x* and cannot steer the perturbation. Kept to measure the difference.
   */
  public B optOtOnClean(boolean v) {
    otOnClean = v;
    return self();
  }

  public B optPerturbationSpace(PerturbationSpace v) {
    perturbationSpace = Objects.requireNonNull(v, "perturbation space");
    return self();
  }

  /**
   * Run the perturbation's forwards in training mode. Off by default: in eval mode BatchNorm uses
   * its running statistics (so 15 extra forwards per batch do not drag them toward perturbed
   * images) and dropout does not add noise to the input gradient.
   */
  public B optPerturbInTrainingMode(boolean v) {
    perturbInTrainingMode = v;
    return self();
  }

  /** Re-estimate the forgetting score every this many batches. */
  public B optScoreEvery(int v) {
    scoreEvery = (int) positive(v, "score interval");
    return self();
  }

  /**
   * While the score is below the threshold (clean batches), re-estimate every this many batches
   * instead of {@link #optScoreEvery(int)}'s. Why: the estimate is what costs, and on clean retain
   * batches the score moves slowly (the forget set is not trained on), while during perturbation a
   * late brake costs accuracy. Default: the same cadence in both states, as in the paper.
   */
  public B optScoreEveryWhileClean(int v) {
    scoreEveryWhileClean = (int) positive(v, "score interval while clean");
    return self();
  }

  /**
   * Cap the clean-phase estimates at this many per epoch, widening {@link
   * #optScoreEveryWhileClean(int)}'s interval on large retain sets. Why: a batch-counted cadence
   * makes the monitor's cost grow with the retain set, while what it watches (a score drifting back
   * over the threshold on clean batches) does not speed up with it. Default: no cap.
   */
  public B optCleanReadingsPerEpoch(int v) {
    cleanReadingsPerEpoch = (int) positive(v, "clean-phase readings per epoch");
    return self();
  }

  /** Forget and unseen samples (each) scored per estimate. */
  public B optScoreSampleSize(int v) {
    scoreSampleSize = (int) positive(v, "score sample size");
    return self();
  }

  public B optScoreSplits(int v) {
    scoreSplits = (int) positive(v, "score splits");
    return self();
  }

  public B optSeed(int v) {
    seed = v;
    return self();
  }

  private static double positive(double v, String what) {
    if (!(v > 0)) {
      throw new IllegalArgumentException(what + " must be positive, got " + v);
    }
    return v;
  }
}
