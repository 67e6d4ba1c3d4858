package io.lethe.engine.unlearn.dlfd;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of DLFD. Defaults follow the authors' MUFAC run except the step size, which is
 * re-derived for pixel space (see {@link DlfdSettingsBuilder#optStepSize(double)}).
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

  /**
   * The utility guard's settings (off by default, see {@link DlfdSettingsBuilder#optUtilityGuard}).
   */
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

  /** The builder of a {@link DlfdConfig}; its setters are {@link DlfdSettingsBuilder}'s. */
  public static final class Builder extends DlfdSettingsBuilder<Builder> {
    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    public DlfdConfig build() {
      return new DlfdConfig(this);
    }
  }
}
