package io.lethe.engine.unlearn.dlfd;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of DLFD. Defaults follow the authors' MUFAC run except the step size, which is
 * re-derived for pixel space (see {@link Builder#optStepSize(double)}).
 */
public final class DlfdConfig {
  private final float learningRate;
  private final float momentum;
  private final float weightDecay;
  private final int batchSize;
  private final int epochs;
  private final int perturbationSteps;
  private final double stepSize;
  private final double forgetWeight;
  private final double lambdaStart;
  private final double lambdaEnd;
  private final boolean classificationLoss;
  private final boolean dynamicForgetting;
  private final double threshold;
  private final double relativeThreshold;
  private final double resumeMargin;
  private final double sinkhornEpsilon;
  private final int sinkhornIterations;
  private final FeatureSource featureSource;
  private final boolean otOnClean;
  private final PerturbationSpace perturbationSpace;
  private final boolean perturbInTrainingMode;
  private final int scoreEvery;
  private final int scoreEveryWhileClean;
  private final int cleanReadingsPerEpoch;
  private final int scoreSampleSize;
  private final int scoreSplits;
  private final int seed;
  private final int batchNormRecalibrationBatches;
  private final UtilityGuardConfig utilityGuard;

  private DlfdConfig(Builder b) {
    utilityGuard = b.utilityGuard;
    batchNormRecalibrationBatches = b.batchNormRecalibrationBatches;
    learningRate = b.learningRate;
    momentum = b.momentum;
    weightDecay = b.weightDecay;
    batchSize = b.batchSize;
    epochs = b.epochs;
    perturbationSteps = b.perturbationSteps;
    stepSize = b.stepSize;
    forgetWeight = b.forgetWeight;
    lambdaStart = b.lambdaStart;
    lambdaEnd = b.lambdaEnd;
    classificationLoss = b.classificationLoss;
    dynamicForgetting = b.dynamicForgetting;
    threshold = b.threshold;
    relativeThreshold = b.relativeThreshold;
    resumeMargin = b.resumeMargin;
    sinkhornEpsilon = b.sinkhornEpsilon;
    sinkhornIterations = b.sinkhornIterations;
    featureSource = b.featureSource;
    otOnClean = b.otOnClean;
    perturbationSpace = b.perturbationSpace;
    perturbInTrainingMode = b.perturbInTrainingMode;
    scoreEvery = b.scoreEvery;
    scoreEveryWhileClean = b.scoreEveryWhileClean == 0 ? b.scoreEvery : b.scoreEveryWhileClean;
    cleanReadingsPerEpoch = b.cleanReadingsPerEpoch;
    scoreSampleSize = b.scoreSampleSize;
    scoreSplits = b.scoreSplits;
    seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public float learningRate() {
    return learningRate;
  }

  public float momentum() {
    return momentum;
  }

  public float weightDecay() {
    return weightDecay;
  }

  public int batchSize() {
    return batchSize;
  }

  public int epochs() {
    return epochs;
  }

  public int perturbationSteps() {
    return perturbationSteps;
  }

  public double stepSize() {
    return stepSize;
  }

  public double forgetWeight() {
    return forgetWeight;
  }

  public double lambdaStart() {
    return lambdaStart;
  }

  public double lambdaEnd() {
    return lambdaEnd;
  }

  public boolean classificationLoss() {
    return classificationLoss;
  }

  public boolean dynamicForgetting() {
    return dynamicForgetting;
  }

  public double threshold() {
    return threshold;
  }

  /** NaN when the absolute {@link #threshold()} applies. */
  public double relativeThreshold() {
    return relativeThreshold;
  }

  /**
   * Hysteresis of dynamic forgetting, as a fraction of the original model's score; 0 = the paper's
   * single threshold.
   */
  public double resumeMargin() {
    return resumeMargin;
  }

  /**
   * How far above the threshold the score must climb, once below it, before perturbation resumes.
   */
  public double effectiveResumeMargin(double initialScore) {
    return resumeMargin * initialScore;
  }

  public double sinkhornEpsilon() {
    return sinkhornEpsilon;
  }

  public int sinkhornIterations() {
    return sinkhornIterations;
  }

  public FeatureSource featureSource() {
    return featureSource;
  }

  public boolean otOnClean() {
    return otOnClean;
  }

  public PerturbationSpace perturbationSpace() {
    return perturbationSpace;
  }

  public boolean perturbInTrainingMode() {
    return perturbInTrainingMode;
  }

  public int scoreEvery() {
    return scoreEvery;
  }

  /**
   * Batches between estimates while dynamic forgetting trains on clean batches, before the
   * per-epoch cap; {@link #cleanPhaseInterval(int)} is what a run uses.
   */
  public int scoreEveryWhileClean() {
    return scoreEveryWhileClean;
  }

  /** At most this many clean-phase estimates per epoch; 0 = no cap. */
  public int cleanReadingsPerEpoch() {
    return cleanReadingsPerEpoch;
  }

  /**
   * Batches between estimates while clean, in an epoch of {@code batchesPerEpoch} batches: {@link
   * #scoreEveryWhileClean()}, widened so there are at most {@link #cleanReadingsPerEpoch()}
   * readings per epoch.
   */
  public int cleanPhaseInterval(int batchesPerEpoch) {
    if (cleanReadingsPerEpoch == 0) {
      return scoreEveryWhileClean;
    }
    int spread = (batchesPerEpoch + cleanReadingsPerEpoch - 1) / cleanReadingsPerEpoch;
    return Math.max(scoreEveryWhileClean, spread);
  }

  public int scoreSampleSize() {
    return scoreSampleSize;
  }

  public int scoreSplits() {
    return scoreSplits;
  }

  public int seed() {
    return seed;
  }

  public int batchNormRecalibrationBatches() {
    return batchNormRecalibrationBatches;
  }

  /** The utility guard's settings (off by default, see {@link Builder#optUtilityGuard}). */
  public UtilityGuardConfig utilityGuard() {
    return utilityGuard;
  }

  /** λ for batch {@code k} of {@code total}: linear from start to end over the run. */
  public double lambdaAt(long k, long total) {
    if (total <= 1) {
      return lambdaEnd;
    }
    return lambdaStart + (lambdaEnd - lambdaStart) * k / (double) (total - 1);
  }

  /** The threshold in force given the original model's forgetting score. */
  public double effectiveThreshold(double initialScore) {
    return Double.isNaN(relativeThreshold) ? threshold : relativeThreshold * initialScore;
  }

  /** Every setting, for checkpoint manifests and reports. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learningRate", learningRate);
    m.put("momentum", momentum);
    m.put("weightDecay", weightDecay);
    m.put("batchSize", batchSize);
    m.put("epochs", epochs);
    m.put("perturbationSteps", perturbationSteps);
    m.put("stepSize", stepSize);
    m.put("forgetWeight", forgetWeight);
    m.put("lambdaStart", lambdaStart);
    m.put("lambdaEnd", lambdaEnd);
    m.put("classificationLoss", classificationLoss);
    m.put("dynamicForgetting", dynamicForgetting);
    m.put("threshold", threshold);
    if (!Double.isNaN(relativeThreshold)) {
      // Unset is left out, not null: checkpoint manifests refuse null hyperparameters.
      m.put("relativeThreshold", relativeThreshold);
    }
    m.put("resumeMargin", resumeMargin);
    m.put("sinkhornEpsilon", sinkhornEpsilon);
    m.put("sinkhornIterations", sinkhornIterations);
    m.put("featureSource", featureSource.name());
    m.put("otOnClean", otOnClean);
    m.put("perturbationSpace", perturbationSpace.name());
    m.put("perturbInTrainingMode", perturbInTrainingMode);
    m.put("scoreEvery", scoreEvery);
    m.put("scoreEveryWhileClean", scoreEveryWhileClean);
    m.put("cleanReadingsPerEpoch", cleanReadingsPerEpoch);
    m.put("scoreSampleSize", scoreSampleSize);
    m.put("scoreSplits", scoreSplits);
    m.put("seed", seed);
    m.put("batchNormRecalibrationBatches", batchNormRecalibrationBatches);
    m.putAll(utilityGuard.describe());
    return m;
  }

  /** Optional settings with the defaults documented on each setter. */
  public static final class Builder {
    private float learningRate = 0.008f;
    private float momentum = 0.9f;
    private float weightDecay = 5e-4f;
    private int batchSize = 32;
    private int epochs = 1;
    private int perturbationSteps = 15;
    private double stepSize = 0.001;
    private double forgetWeight = 3.0;
    private double lambdaStart = 0.0;
    private double lambdaEnd = 1.0;
    private boolean classificationLoss = true;
    private boolean dynamicForgetting = true;
    private double threshold = 0.15;
    private double relativeThreshold = Double.NaN;
    private double resumeMargin = 0.0;
    private double sinkhornEpsilon = 0.01;
    private int sinkhornIterations = 50;
    private FeatureSource featureSource = FeatureSource.LOGITS;
    private boolean otOnClean = false;
    private PerturbationSpace perturbationSpace = PerturbationSpace.PIXEL;
    private boolean perturbInTrainingMode = false;
    private int scoreEvery = 10;
    // 0 = not set: build() uses scoreEvery, whatever order the two setters were called in.
    private int scoreEveryWhileClean = 0;
    private int cleanReadingsPerEpoch = 0;
    private int scoreSampleSize = 512;
    private int scoreSplits = 10;
    private int seed = 0;
    private int batchNormRecalibrationBatches = 0;
    private UtilityGuardConfig utilityGuard = UtilityGuardConfig.defaults(false);

    private Builder() {}

    /**
     * The utility guard (default: off; when on, {@link UtilityGuardConfig#defaults}'s margin 0.05,
     * slice of at most 256 retain samples or 10 % of the set, a check every 10 batches, two
     * brakes). A brake rolls back to the last state within the margin and halves α. It stops a step
     * size too large for the data from taking accuracy down (0.84 → 0.47 on a 450-image set), but
     * its slice is retain data the parent was trained on: on a parent that memorised its training
     * set, the slice's accuracy falls as DLFD removes memorisation (0.991 → 0.873 on the main
     * command's original, while test accuracy fell 0.023), so on by default it braked the very
     * forgetting DLFD is for. Off by default; the evaluator's {@code maxAccuracyDrop} gate bounds
     * the test-accuracy loss of every version instead (docs/dlfd.md).
     */
    public Builder optUtilityGuard(UtilityGuardConfig v) {
      utilityGuard = Objects.requireNonNull(v, "utility guard");
      return this;
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
    public Builder optBatchNormRecalibration(int batches) {
      if (batches < 0) {
        throw new IllegalArgumentException("recalibration batches must be >= 0, got " + batches);
      }
      batchNormRecalibrationBatches = batches;
      return this;
    }

    /** SGD learning rate of the training step (authors: 0.008). */
    public Builder optLearningRate(float v) {
      learningRate = (float) positive(v, "learning rate");
      return this;
    }

    public Builder optMomentum(float v) {
      if (v < 0 || v >= 1) {
        throw new IllegalArgumentException("momentum must be in [0,1), got " + v);
      }
      momentum = v;
      return this;
    }

    public Builder optWeightDecay(float v) {
      if (v < 0) {
        throw new IllegalArgumentException("weight decay must be >= 0, got " + v);
      }
      weightDecay = v;
      return this;
    }

    /** Retain (and forget) batch size (authors: 32). */
    public Builder optBatchSize(int v) {
      batchSize = (int) positive(v, "batch size");
      return this;
    }

    /** Passes over the retain set (paper: one). */
    public Builder optEpochs(int v) {
      epochs = (int) positive(v, "epochs");
      return this;
    }

    /** M, signed-gradient steps per batch (authors: 15). */
    public Builder optPerturbationSteps(int v) {
      perturbationSteps = (int) positive(v, "perturbation steps");
      return this;
    }

    /**
     * α in pixel units [0,1]. The authors' 0.4 acted on ImageNet-normalised tensors (std ≈ 0.23),
     * i.e. ≈ 0.09 pixel units per step and up to 1.4 over 15 steps: it saturates every pixel, while
     * the paper's premise is that x* stays a training image of class y. We bound the L∞ budget α·M
     * like an adversarial ε instead: 0.001 per step, 0.015 ≈ 4/255 over 15 steps. Larger budgets
     * forget faster but cost test accuracy quickly (docs/dlfd.md has the measurements). Tune it on
     * a validation split, never on test.
     */
    public Builder optStepSize(double v) {
      stepSize = positive(v, "step size");
      return this;
    }

    /** w_f, weight of the OT term (authors: 3.0). */
    public Builder optForgetWeight(double v) {
      if (v < 0) {
        throw new IllegalArgumentException("forget weight must be >= 0, got " + v);
      }
      forgetWeight = v;
      return this;
    }

    /** λ of the classification term, linear from start to end over the run (authors: 0 → 1). */
    public Builder optLambda(double start, double end) {
      if (start < 0 || end < 0) {
        throw new IllegalArgumentException("λ must be >= 0, got " + start + " → " + end);
      }
      lambdaStart = start;
      lambdaEnd = end;
      return this;
    }

    /** λ at the start of the run (see {@link #optLambda}). */
    public Builder optLambdaStart(double v) {
      return optLambda(v, lambdaEnd);
    }

    /** λ at the end of the run (see {@link #optLambda}). */
    public Builder optLambdaEnd(double v) {
      return optLambda(lambdaStart, v);
    }

    /** Ablation: without the classification term the perturbation only chases OT distance. */
    public Builder optClassificationLoss(boolean v) {
      classificationLoss = v;
      return this;
    }

    /** Ablation: without dynamic forgetting every batch is perturbed, whatever the score. */
    public Builder optDynamicForgetting(boolean v) {
      dynamicForgetting = v;
      return this;
    }

    /** Perturb while the forgetting score is at least this (authors: 0.15). */
    public Builder optThreshold(double v) {
      if (v < 0 || v > 0.5) {
        throw new IllegalArgumentException("threshold must be in [0, 0.5], got " + v);
      }
      threshold = v;
      relativeThreshold = Double.NaN;
      return this;
    }

    /**
     * Perturb while the score is at least {@code fraction} × the original model's score. Useful
     * when the original's score is below the authors' absolute 0.15 (small data), where an absolute
     * threshold would never switch perturbation on.
     */
    public Builder optRelativeThreshold(double fraction) {
      if (fraction < 0 || fraction > 1) {
        throw new IllegalArgumentException("relative threshold must be in [0,1], got " + fraction);
      }
      relativeThreshold = fraction;
      return this;
    }

    /**
     * Hysteresis for dynamic forgetting: once the score has fallen below the threshold, perturb
     * again only when it reaches the threshold + {@code fraction} × the original model's score.
     * Why: the score is re-estimated on a sub-sample, and when it settles near the threshold a
     * single threshold switches on noise, each switch costing a perturbed batch and a reading at
     * the braking cadence. Default 0: the paper's single threshold.
     */
    public Builder optResumeMargin(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("resume margin must be in [0,1], got " + fraction);
      }
      resumeMargin = fraction;
      return this;
    }

    /** Sinkhorn ε (authors: 0.01). */
    public Builder optSinkhornEpsilon(double v) {
      sinkhornEpsilon = positive(v, "Sinkhorn epsilon");
      return this;
    }

    /** Sinkhorn iteration cap (authors: 50). */
    public Builder optSinkhornIterations(int v) {
      sinkhornIterations = (int) positive(v, "Sinkhorn iterations");
      return this;
    }

    public Builder optFeatureSource(FeatureSource v) {
      featureSource = Objects.requireNonNull(v, "feature source");
      return this;
    }

    /**
     * The authors' code: the OT term uses the unperturbed retain logits, so it has no gradient with
     * respect to x* and cannot steer the perturbation. Kept to measure the difference.
     */
    public Builder optOtOnClean(boolean v) {
      otOnClean = v;
      return this;
    }

    public Builder optPerturbationSpace(PerturbationSpace v) {
      perturbationSpace = Objects.requireNonNull(v, "perturbation space");
      return this;
    }

    /**
     * Run the perturbation's forwards in training mode. Off by default: in eval mode BatchNorm uses
     * its running statistics (so 15 extra forwards per batch do not drag them toward perturbed
     * images) and dropout does not add noise to the input gradient.
     */
    public Builder optPerturbInTrainingMode(boolean v) {
      perturbInTrainingMode = v;
      return this;
    }

    /** Re-estimate the forgetting score every this many batches. */
    public Builder optScoreEvery(int v) {
      scoreEvery = (int) positive(v, "score interval");
      return this;
    }

    /**
     * While the score is below the threshold (clean batches), re-estimate every this many batches
     * instead of {@link #optScoreEvery(int)}'s. Why: the estimate is what costs, and on clean
     * retain batches the score moves slowly (the forget set is not trained on), while during
     * perturbation a late brake costs accuracy. Default: the same cadence in both states, as in the
     * paper.
     */
    public Builder optScoreEveryWhileClean(int v) {
      scoreEveryWhileClean = (int) positive(v, "score interval while clean");
      return this;
    }

    /**
     * Cap the clean-phase estimates at this many per epoch, widening {@link
     * #optScoreEveryWhileClean(int)}'s interval on large retain sets. Why: a batch-counted cadence
     * makes the monitor's cost grow with the retain set, while what it watches (a score drifting
     * back over the threshold on clean batches) does not speed up with it. Default: no cap.
     */
    public Builder optCleanReadingsPerEpoch(int v) {
      cleanReadingsPerEpoch = (int) positive(v, "clean-phase readings per epoch");
      return this;
    }

    /** Forget and unseen samples (each) scored per estimate. */
    public Builder optScoreSampleSize(int v) {
      scoreSampleSize = (int) positive(v, "score sample size");
      return this;
    }

    public Builder optScoreSplits(int v) {
      scoreSplits = (int) positive(v, "score splits");
      return this;
    }

    public Builder optSeed(int v) {
      seed = v;
      return this;
    }

    public DlfdConfig build() {
      return new DlfdConfig(this);
    }

    private static double positive(double v, String what) {
      if (!(v > 0)) {
        throw new IllegalArgumentException(what + " must be positive, got " + v);
      }
      return v;
    }
  }
}
