package io.lethe.cli.options;

import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.PerturbationSpace;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import io.lethe.engine.unlearn.registry.SettingException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * DLFD's settings as command-line options; defaults are the engine's (the authors' MUFAC run, α
 * re-derived). They become the flat settings of the engine's method registry, which builds the
 * config.
 */
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

  @Option(
      names = "--dlfd-set",
      paramLabel = "KEY=VALUE",
      description =
          "Any DLFD setting by its name in the engine's method registry (the checkpoint's"
              + " hyperparameter names, e.g. momentum=0.5 or scoreSampleSize=256); repeatable,"
              + " overrides the options above.")
  Map<String, String> extra = new LinkedHashMap<>();

  /** The options as flat settings, named as the engine's {@link MethodRegistry#DLFD} names them. */
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("learningRate", learningRate);
    s.put("batchSize", batchSize);
    s.put("epochs", epochs);
    s.put("perturbationSteps", steps);
    s.put("stepSize", alpha);
    s.put("forgetWeight", forgetWeight);
    s.put("lambdaStart", lambdaStart);
    s.put("lambdaEnd", lambdaEnd);
    s.put("sinkhornEpsilon", epsilon);
    s.put("sinkhornIterations", sinkhornIterations);
    s.put("featureSource", features);
    s.put("otOnClean", otOnClean);
    s.put(
        "perturbationSpace",
        (clampNormalised ? PerturbationSpace.NORMALISED_CLAMPED : PerturbationSpace.PIXEL).name());
    s.put("perturbInTrainingMode", perturbInTrainMode);
    s.put("dynamicForgetting", !noDynamicForgetting);
    s.put("classificationLoss", !noClassificationLoss);
    s.put("scoreEvery", scoreEvery);
    if (scoreEveryWhileClean != null) {
      s.put("scoreEveryWhileClean", scoreEveryWhileClean);
    }
    if (cleanReadingsPerEpoch != null) {
      s.put("cleanReadingsPerEpoch", cleanReadingsPerEpoch);
    }
    s.put("seed", seed);
    s.put("resumeMargin", resumeMargin);
    s.put(Keys.ENABLED, guard);
    s.put(Keys.MARGIN, guardMargin);
    s.put(Keys.SLICE, guardSlice);
    s.put(Keys.EVERY, guardEvery);
    s.put(Keys.BRAKES, guardBrakes);
    if (threshold != null) {
      s.put("threshold", threshold);
    } else {
      s.put("relativeThreshold", relativeThreshold);
    }
    s.putAll(extra);
    return s;
  }

  /**
   * DLFD's configuration from {@link #settings()}.
   *
   * @throws IllegalArgumentException for a value out of range (with the engine's message) or an
   *     unknown {@code --dlfd-set} key
   */
  public DlfdConfig config() {
    try {
      return MethodRegistry.DLFD.build(settings());
    } catch (SettingException e) {
      throw e.wrongType() ? e : new IllegalArgumentException(e.reason(), e);
    }
  }
}
