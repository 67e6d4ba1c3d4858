package io.lethe.worker;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Maps a forget request's flat {@code hyperparameters} onto the engine's settings. Only the keys
 * listed here are accepted: an unknown or mistyped key is rejected with {@link
 * IllegalArgumentException} (the job fails with that message) rather than silently ignored, because
 * a caller who asked for {@code perturbationStep: 2} and got the default 15 would trust a model
 * that was not made the way they think.
 *
 * <p>How far a value may go is operator policy, not this class's: {@link UnlearningJob} checks the
 * request against {@link io.lethe.service.limits.HyperparameterLimits} first, whose keys must stay
 * exactly {@link #DLFD_KEYS} and {@link #RETRAIN_KEYS} ({@code MethodSettingsTest} fails when they
 * drift). Adding a key here means adding its ranges there.
 */
public final class MethodSettings {
  private MethodSettings() {}

  /** The DLFD keys accepted, as named by {@link DlfdConfig#describe()} (plus {@code alpha}). */
  public static final Set<String> DLFD_KEYS =
      Set.of(
          "learningRate",
          "momentum",
          "weightDecay",
          "batchSize",
          "epochs",
          "perturbationSteps",
          "stepSize",
          "alpha",
          "forgetWeight",
          "lambdaStart",
          "lambdaEnd",
          "classificationLoss",
          "dynamicForgetting",
          "threshold",
          "relativeThreshold",
          "resumeMargin",
          "sinkhornEpsilon",
          "sinkhornIterations",
          "scoreEvery",
          "scoreEveryWhileClean",
          "cleanReadingsPerEpoch",
          "scoreSampleSize",
          "scoreSplits",
          "seed",
          "batchNormRecalibrationBatches",
          Keys.ENABLED,
          Keys.MARGIN,
          Keys.SLICE,
          Keys.SLICE_FRACTION,
          Keys.EVERY,
          Keys.BRAKES);

  /** The retraining keys accepted, as named by {@link TrainingRecipe#describe()}. */
  public static final Set<String> RETRAIN_KEYS =
      Set.of(
          "epochs",
          "batchSize",
          "learningRate",
          "momentum",
          "weightDecay",
          "cosineSchedule",
          "seed");

  /**
   * The DLFD configuration: engine defaults with {@code overrides} applied. {@code alpha} (the
   * paper's name for the perturbation step size) is an alias of {@code stepSize}.
   *
   * @throws IllegalArgumentException naming the key that is unknown, mistyped or out of range
   */
  public static DlfdConfig dlfd(Map<String, Object> overrides) {
    Map<String, Object> o = overrides == null ? Map.of() : overrides;
    requireKnown("dlfd", o, DLFD_KEYS);
    DlfdConfig.Builder b = DlfdConfig.builder();
    apply(o, "learningRate", (k, v) -> b.optLearningRate((float) number(k, v)));
    apply(o, "momentum", (k, v) -> b.optMomentum((float) number(k, v)));
    apply(o, "weightDecay", (k, v) -> b.optWeightDecay((float) number(k, v)));
    apply(o, "batchSize", (k, v) -> b.optBatchSize(integer(k, v)));
    apply(o, "epochs", (k, v) -> b.optEpochs(integer(k, v)));
    apply(o, "perturbationSteps", (k, v) -> b.optPerturbationSteps(integer(k, v)));
    apply(o, "stepSize", (k, v) -> b.optStepSize(number(k, v)));
    apply(o, "alpha", (k, v) -> b.optStepSize(number(k, v)));
    apply(o, "forgetWeight", (k, v) -> b.optForgetWeight(number(k, v)));
    if (o.containsKey("lambdaStart") || o.containsKey("lambdaEnd")) {
      DlfdConfig defaults = DlfdConfig.builder().build();
      double start =
          o.containsKey("lambdaStart")
              ? number("lambdaStart", o.get("lambdaStart"))
              : defaults.lambdaStart();
      double end =
          o.containsKey("lambdaEnd")
              ? number("lambdaEnd", o.get("lambdaEnd"))
              : defaults.lambdaEnd();
      guard("lambdaStart/lambdaEnd", () -> b.optLambda(start, end));
    }
    apply(o, "classificationLoss", (k, v) -> b.optClassificationLoss(bool(k, v)));
    apply(o, "dynamicForgetting", (k, v) -> b.optDynamicForgetting(bool(k, v)));
    apply(o, "threshold", (k, v) -> b.optThreshold(number(k, v)));
    apply(o, "relativeThreshold", (k, v) -> b.optRelativeThreshold(number(k, v)));
    apply(o, "resumeMargin", (k, v) -> b.optResumeMargin(number(k, v)));
    apply(o, "sinkhornEpsilon", (k, v) -> b.optSinkhornEpsilon(number(k, v)));
    apply(o, "sinkhornIterations", (k, v) -> b.optSinkhornIterations(integer(k, v)));
    apply(o, "scoreEvery", (k, v) -> b.optScoreEvery(integer(k, v)));
    apply(o, "scoreEveryWhileClean", (k, v) -> b.optScoreEveryWhileClean(integer(k, v)));
    apply(o, "cleanReadingsPerEpoch", (k, v) -> b.optCleanReadingsPerEpoch(integer(k, v)));
    apply(o, "scoreSampleSize", (k, v) -> b.optScoreSampleSize(integer(k, v)));
    apply(o, "scoreSplits", (k, v) -> b.optScoreSplits(integer(k, v)));
    apply(o, "seed", (k, v) -> b.optSeed(integer(k, v)));
    apply(o, "batchNormRecalibrationBatches", (k, v) -> b.optBatchNormRecalibration(integer(k, v)));
    UtilityGuardConfig[] g = {DlfdConfig.builder().build().utilityGuard()};
    apply(o, Keys.ENABLED, (k, v) -> g[0] = g[0].withEnabled(bool(k, v)));
    apply(o, Keys.MARGIN, (k, v) -> g[0] = g[0].withMargin(number(k, v)));
    apply(o, Keys.SLICE, (k, v) -> g[0] = g[0].withSliceSize(integer(k, v)));
    apply(o, Keys.SLICE_FRACTION, (k, v) -> g[0] = g[0].withSliceFraction(number(k, v)));
    apply(o, Keys.EVERY, (k, v) -> g[0] = g[0].withCheckEvery(integer(k, v)));
    apply(o, Keys.BRAKES, (k, v) -> g[0] = g[0].withMaxBrakes(integer(k, v)));
    b.optUtilityGuard(g[0]);
    return b.build();
  }

  /**
   * The retraining recipe: the parent's own recipe (from its checkpoint hyperparameters, so a
   * retrained version is trained like the original) with {@code overrides} applied.
   *
   * @param parentHyperparameters the parent checkpoint's hyperparameters (may lack any key)
   * @throws IllegalArgumentException naming the key that is unknown, mistyped or out of range
   */
  public static TrainingRecipe retrain(
      Map<String, Object> overrides, Map<String, Object> parentHyperparameters) {
    Map<String, Object> o = overrides == null ? Map.of() : overrides;
    requireKnown("retrain", o, RETRAIN_KEYS);
    TrainingRecipe.Builder b = TrainingRecipe.builder();
    for (Map<String, Object> source :
        java.util.List.of(
            parentHyperparameters == null ? Map.<String, Object>of() : parentHyperparameters, o)) {
      apply(source, "epochs", (k, v) -> b.optEpochs(integer(k, v)));
      apply(source, "batchSize", (k, v) -> b.optBatchSize(integer(k, v)));
      apply(source, "learningRate", (k, v) -> b.optLearningRate((float) number(k, v)));
      apply(source, "momentum", (k, v) -> b.optMomentum((float) number(k, v)));
      apply(source, "weightDecay", (k, v) -> b.optWeightDecay((float) number(k, v)));
      apply(source, "cosineSchedule", (k, v) -> b.optCosineSchedule(bool(k, v)));
      apply(source, "seed", (k, v) -> b.optSeed(integer(k, v)));
    }
    return b.build();
  }

  private static void requireKnown(String method, Map<String, Object> o, Set<String> known) {
    Set<String> unknown = new TreeSet<>(o.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unsupported "
              + method
              + " hyperparameter(s) "
              + unknown
              + "; supported: "
              + new TreeSet<>(known));
    }
  }

  private static void apply(Map<String, Object> o, String key, BiConsumer<String, Object> setter) {
    if (o.containsKey(key)) {
      Object v = o.get(key);
      guard(key, () -> setter.accept(key, v));
    }
  }

  private static void guard(String key, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("hyperparameter ")) {
        throw e;
      }
      throw new IllegalArgumentException("hyperparameter " + key + ": " + e.getMessage(), e);
    }
  }

  private static double number(String key, Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    }
    throw new IllegalArgumentException("hyperparameter " + key + " must be a number, got " + v);
  }

  private static int integer(String key, Object v) {
    Objects.requireNonNull(key);
    if (v instanceof Number n) {
      try {
        return new BigDecimal(n.toString()).intValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("hyperparameter " + key + " must be an integer, got " + v);
  }

  private static boolean bool(String key, Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("hyperparameter " + key + " must be a boolean, got " + v);
  }
}
