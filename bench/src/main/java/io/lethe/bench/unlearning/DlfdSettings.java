package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * DLFD's configuration from flat settings, like the worker's {@code MethodSettings} (same key names
 * as {@link DlfdConfig#describe()}, {@code alpha} an alias of {@code stepSize}), limited to what
 * the benchmark sets. Unknown keys are rejected so a typo in a grid cannot silently fall back to a
 * default.
 */
final class DlfdSettings {
  static final Set<String> KEYS =
      Set.of(
          "stepSize",
          "alpha",
          "perturbationSteps",
          "threshold",
          "relativeThreshold",
          "resumeMargin",
          "epochs",
          "learningRate",
          "forgetWeight",
          "sinkhornEpsilon",
          "sinkhornIterations",
          "batchNormRecalibrationBatches",
          "scoreEvery",
          "scoreEveryWhileClean",
          "cleanReadingsPerEpoch",
          "scoreSampleSize",
          "featureSource",
          "seed",
          Keys.ENABLED,
          Keys.MARGIN,
          Keys.SLICE,
          Keys.SLICE_FRACTION,
          Keys.EVERY,
          Keys.BRAKES);

  private DlfdSettings() {}

  static DlfdConfig config(DlfdVariant variant, Map<String, ?> settings) {
    Set<String> unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unsupported dlfd setting(s) " + unknown + "; supported: " + new TreeSet<>(KEYS));
    }
    DlfdConfig.Builder b = DlfdConfig.builder();
    UtilityGuardConfig[] guard = {UtilityGuardConfig.defaults(true)};
    settings.forEach(
        (k, v) -> {
          if (k.equals("featureSource")) {
            b.optFeatureSource(featureSource(v));
            return;
          }
          if (k.equals(Keys.ENABLED)) {
            guard[0] = guard[0].withEnabled(bool(k, v));
            return;
          }
          double d = number(k, v);
          switch (k) {
            case "stepSize", "alpha" -> b.optStepSize(d);
            case "perturbationSteps" -> b.optPerturbationSteps((int) d);
            case "threshold" -> b.optThreshold(d);
            case "relativeThreshold" -> b.optRelativeThreshold(d);
            case "resumeMargin" -> b.optResumeMargin(d);
            case "epochs" -> b.optEpochs((int) d);
            case "learningRate" -> b.optLearningRate((float) d);
            case "forgetWeight" -> b.optForgetWeight(d);
            case "sinkhornEpsilon" -> b.optSinkhornEpsilon(d);
            case "sinkhornIterations" -> b.optSinkhornIterations((int) d);
            case "batchNormRecalibrationBatches" -> b.optBatchNormRecalibration((int) d);
            case "scoreEvery" -> b.optScoreEvery((int) d);
            case "scoreEveryWhileClean" -> b.optScoreEveryWhileClean((int) d);
            case "cleanReadingsPerEpoch" -> b.optCleanReadingsPerEpoch((int) d);
            case "scoreSampleSize" -> b.optScoreSampleSize((int) d);
            case "seed" -> b.optSeed((int) d);
            case Keys.MARGIN -> guard[0] = guard[0].withMargin(d);
            case Keys.SLICE -> guard[0] = guard[0].withSliceSize((int) d);
            case Keys.SLICE_FRACTION -> guard[0] = guard[0].withSliceFraction(d);
            case Keys.EVERY -> guard[0] = guard[0].withCheckEvery((int) d);
            case Keys.BRAKES -> guard[0] = guard[0].withMaxBrakes((int) d);
            default -> throw new IllegalStateException(k);
          }
        });
    b.optUtilityGuard(guard[0]);
    return variant.apply(b).build();
  }

  private static FeatureSource featureSource(Object v) {
    String name = String.valueOf(v).trim().toUpperCase(Locale.ROOT);
    try {
      return FeatureSource.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "dlfd setting featureSource must be logits or embedding, got " + v, e);
    }
  }

  private static boolean bool(String key, Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    String s = String.valueOf(v).trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("dlfd setting " + key + " must be true or false, got " + v);
  }

  private static double number(String key, Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("dlfd setting " + key + " must be a number, got " + v, e);
    }
  }
}
