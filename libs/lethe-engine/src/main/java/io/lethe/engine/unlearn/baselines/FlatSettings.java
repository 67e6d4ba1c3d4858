package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A method's settings as flat key → value pairs, as they arrive from a command line, a forget
 * request or a benchmark file: values may be strings ("0.001", "true", "adam") or already typed
 * (numbers, booleans). Each config reads the keys it knows; {@link #requireAllUsed()} then rejects
 * whatever is left, because a caller who mistyped a key and silently got the default would trust a
 * model that was not made the way they think.
 *
 * <p>Every error names the method and the key.
 */
public final class FlatSettings {
  private final String method;
  private final Map<String, ?> values;
  private final Set<String> known = new TreeSet<>();

  public FlatSettings(String method, Map<String, ?> values) {
    this.method = Objects.requireNonNull(method, "method");
    this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
  }

  /** Applies the settings every baseline shares to {@code builder}. */
  void applyTraining(BaselineBuilder<?> builder) {
    text("optimizer", v -> builder.optOptimizer(OptimizerKind.parse(v)));
    floating("learningRate", v -> builder.optLearningRate(v.floatValue()));
    floating("momentum", v -> builder.optMomentum(v.floatValue()));
    floating("weightDecay", v -> builder.optWeightDecay(v.floatValue()));
    integer("batchSize", builder::optBatchSize);
    integer("epochs", builder::optEpochs);
    integer("seed", builder::optSeed);
  }

  /**
   * Applies the utility guard's keys ({@link UtilityGuardConfig#describe()}) to {@code builder}.
   */
  void applyGuard(BaselineBuilder<?> b) {
    bool(Keys.ENABLED, v -> b.optUtilityGuard(b.guard().withEnabled(v)));
    floating(Keys.MARGIN, v -> b.optUtilityGuard(b.guard().withMargin(v)));
    integer(Keys.SLICE, v -> b.optUtilityGuard(b.guard().withSliceSize(v)));
    floating(Keys.SLICE_FRACTION, v -> b.optUtilityGuard(b.guard().withSliceFraction(v)));
    integer(Keys.EVERY, v -> b.optUtilityGuard(b.guard().withCheckEvery(v)));
    integer(Keys.BRAKES, v -> b.optUtilityGuard(b.guard().withMaxBrakes(v)));
  }

  void floating(String key, Consumer<Double> setter) {
    apply(key, FlatSettings::toDouble, setter);
  }

  void integer(String key, Consumer<Integer> setter) {
    apply(key, FlatSettings::toInt, setter);
  }

  void bool(String key, Consumer<Boolean> setter) {
    apply(key, FlatSettings::toBoolean, setter);
  }

  void text(String key, Consumer<String> setter) {
    apply(key, v -> String.valueOf(v), setter);
  }

  /**
   * Builds the config with {@code build}, naming the method in a validation error, then checks that
   * every key given was one the method knows.
   */
  <T> T build(java.util.function.Supplier<T> build) {
    T result;
    try {
      result = build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(method + ": " + e.getMessage(), e);
    }
    requireAllUsed();
    return result;
  }

  /** Rejects the keys no config read, listing the ones it accepts. */
  public void requireAllUsed() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown " + method + " setting(s) " + unknown + "; " + method + " accepts " + known);
    }
  }

  private <T> void apply(String key, Function<Object, T> parse, Consumer<T> setter) {
    known.add(key);
    if (!values.containsKey(key)) {
      return;
    }
    Object raw = values.get(key);
    try {
      if (raw == null) {
        throw new IllegalArgumentException("no value given");
      }
      setter.accept(parse.apply(raw));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          method + " setting " + key + "=" + raw + ": " + e.getMessage(), e);
    }
  }

  private static double toDouble(Object v) {
    double d;
    if (v instanceof Number n) {
      d = n.doubleValue();
    } else {
      try {
        d = Double.parseDouble(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number");
      }
    }
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not a finite number");
    }
    return d;
  }

  private static int toInt(Object v) {
    try {
      return new BigDecimal(v.toString().trim()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
  }

  private static boolean toBoolean(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("not true or false");
  }
}
