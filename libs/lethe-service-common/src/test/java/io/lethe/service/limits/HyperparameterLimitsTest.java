package io.lethe.service.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.Method;
import io.lethe.api.Violation;
import io.lethe.config.ConfigException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HyperparameterLimitsTest {
  private static final HyperparameterLimits DEFAULTS = HyperparameterLimits.defaults();

  static Stream<Arguments> allowedByDefault() {
    return Stream.of(
        Arguments.of(Method.DLFD, "epochs", 1),
        Arguments.of(Method.DLFD, "epochs", 10),
        Arguments.of(Method.DLFD, "epochs", 2.0), // JSON 2.0 is the integer 2
        Arguments.of(Method.DLFD, "epochs", 3L),
        Arguments.of(Method.DLFD, "perturbationSteps", new BigInteger("50")),
        Arguments.of(Method.DLFD, "learningRate", 1e-6),
        Arguments.of(Method.DLFD, "learningRate", new BigDecimal("0.5")),
        Arguments.of(Method.DLFD, "alpha", 0.002),
        Arguments.of(Method.DLFD, "momentum", 0),
        Arguments.of(Method.DLFD, "threshold", 0.5f),
        Arguments.of(Method.DLFD, "dynamicForgetting", false),
        Arguments.of(Method.DLFD, "seed", -7),
        Arguments.of(Method.DLFD, "batchNormRecalibrationBatches", 0),
        Arguments.of(Method.DLFD, "featureSource", "embedding"),
        Arguments.of(Method.DLFD, "perturbationSpace", "NORMALISED_CLAMPED"),
        Arguments.of(Method.DLFD, "otOnClean", true),
        Arguments.of(Method.DLFD, "perturbInTrainingMode", false),
        Arguments.of(Method.RETRAIN, "epochs", 100),
        Arguments.of(Method.RETRAIN, "cosineSchedule", true),
        Arguments.of(Method.RETRAIN, "learningRate", 1));
  }

  @ParameterizedTest(name = "{0}.{1}={2}")
  @MethodSource
  void allowedByDefault(Method method, String key, Object value) {
    assertThat(DEFAULTS.check(method, Map.of(key, value))).isEmpty();
  }

  static Stream<Arguments> refusedByDefault() {
    return Stream.of(
        // The field finding: one request blocked every later deletion for its model.
        Arguments.of(Method.RETRAIN, "epochs", 2_000_000_000, "must be in 1..100, got 2000000000"),
        Arguments.of(Method.RETRAIN, "epochs", 0, "must be in 1..100, got 0"),
        Arguments.of(Method.RETRAIN, "epochs", new BigDecimal("1e400"), "must be in 1..100"),
        Arguments.of(Method.DLFD, "epochs", 11, "must be in 1..10, got 11"),
        Arguments.of(Method.DLFD, "epochs", 2.5, "must be an integer in 1..10, got 2.5"),
        Arguments.of(Method.DLFD, "epochs", "3", "must be an integer in 1..10, got \"3\""),
        Arguments.of(Method.DLFD, "epochs", Double.NaN, "must be an integer in 1..10, got NaN"),
        Arguments.of(Method.DLFD, "epochs", null, "must be an integer in 1..10, got null"),
        Arguments.of(Method.DLFD, "perturbationSteps", 51, "must be in 1..50, got 51"),
        Arguments.of(Method.DLFD, "learningRate", 0.51, "must be in 0.000001..0.5, got 0.51"),
        Arguments.of(Method.DLFD, "learningRate", 0, "must be in 0.000001..0.5, got 0"),
        Arguments.of(
            Method.DLFD,
            "learningRate",
            Double.POSITIVE_INFINITY,
            "must be a number in 0.000001..0.5, got Infinity"),
        Arguments.of(Method.DLFD, "momentum", 0.995, "must be in 0..0.99, got 0.995"),
        Arguments.of(Method.DLFD, "threshold", -0.1, "must be in 0..0.5, got -0.1"),
        Arguments.of(Method.DLFD, "dynamicForgetting", 1, "must be a boolean (false|true), got 1"),
        Arguments.of(
            Method.DLFD,
            "featureSource",
            "pixel",
            "must be one of embedding|logits, got \"pixel\""),
        Arguments.of(
            Method.DLFD, "perturbationSpace", 1, "must be one of normalised_clamped|pixel"),
        Arguments.of(Method.DLFD, "scoreSampleSize", 1_000_000, "must be in 8..4096"),
        Arguments.of(Method.DLFD, "sinkhornIterations", 10_000, "must be in 1..500"),
        Arguments.of(Method.DLFD, "batchSize", 1, "must be in 2..1024, got 1"),
        Arguments.of(Method.DLFD, "seed", 1L << 40, "must be in -2147483648..2147483647"),
        Arguments.of(Method.RETRAIN, "cosineSchedule", "yes", "must be a boolean"));
  }

  @ParameterizedTest(name = "{0}.{1}={2}")
  @MethodSource
  void refusedByDefault(Method method, String key, Object value, String expected) {
    Map<String, Object> hp = new HashMap<>();
    hp.put(key, value);
    List<Violation> violations = DEFAULTS.check(method, hp);
    assertThat(violations).hasSize(1);
    Violation v = violations.get(0);
    assertThat(v.path()).isEqualTo("$.hyperparameters." + key);
    assertThat(v.message())
        .contains(expected)
        .contains("limit " + method.name().toLowerCase() + "." + key)
        .contains("LETHE_HYPERPARAMETER_LIMITS");
  }

  @Test
  void unknownKeysAreViolationsListingTheAllowedOnes() {
    Map<String, Object> hp = new LinkedHashMap<>();
    hp.put("perturbationSteps", 2);
    hp.put("perturbationStep", 2);
    hp.put("timeout", "PT100H"); // no request can raise the worker's time budget
    hp.put("odd key", 1);

    List<Violation> violations = DEFAULTS.check(Method.DLFD, hp);

    assertThat(violations)
        .extracting(Violation::path)
        .containsExactly(
            "$.hyperparameters['odd key']",
            "$.hyperparameters.perturbationStep",
            "$.hyperparameters.timeout");
    assertThat(violations)
        .allSatisfy(
            v ->
                assertThat(v.message())
                    .startsWith("unknown dlfd hyperparameter; allowed: alpha, batchNormRecal")
                    .contains("perturbationSteps")
                    .doesNotContain("cosineSchedule"));
    assertThat(DEFAULTS.check(Method.RETRAIN, Map.of("perturbationSteps", 2)))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.message())
                    .isEqualTo(
                        "unknown retrain hyperparameter; allowed: batchSize, cosineSchedule,"
                            + " epochs, learningRate, momentum, seed, weightDecay"));
    assertThat(DEFAULTS.check(Method.TRAIN, Map.of("epochs", 1)))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("train takes no hyperparameters"));
  }

  @Test
  void everyViolationIsListedInKeyOrderAndNoneMeansNoViolations() {
    assertThat(DEFAULTS.check(Method.DLFD, null)).isEmpty();
    assertThat(DEFAULTS.check(Method.RETRAIN, Map.of())).isEmpty();
    assertThat(
            DEFAULTS.check(Method.RETRAIN, Map.of("epochs", 1_000, "momentum", 2, "batchSize", 64)))
        .extracting(Violation::path)
        .containsExactly("$.hyperparameters.epochs", "$.hyperparameters.momentum");
    assertThatThrownBy(() -> DEFAULTS.check(null, Map.of()))
        .isInstanceOf(NullPointerException.class);
  }

  static Stream<Arguments> operatorSpecs() {
    return Stream.of(
        Arguments.of("dlfd.epochs=1..20", Method.DLFD, "epochs", "1..20"),
        Arguments.of(" retrain.epochs = 1..50 ", Method.RETRAIN, "epochs", "1..50"),
        Arguments.of("dlfd.learningRate=1e-6..0.25", Method.DLFD, "learningRate", "0.000001..0.25"),
        Arguments.of("dlfd.dynamicForgetting=true", Method.DLFD, "dynamicForgetting", "true"),
        Arguments.of(
            "dlfd.classificationLoss=true|false", Method.DLFD, "classificationLoss", "false|true"),
        Arguments.of("dlfd.seed=0", Method.DLFD, "seed", "0"),
        Arguments.of("dlfd.featureSource=LOGITS", Method.DLFD, "featureSource", "logits"),
        // Wider than the default is the operator's call, within what the engine accepts.
        Arguments.of("retrain.epochs=1..500", Method.RETRAIN, "epochs", "1..500"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void operatorSpecs(String spec, Method method, String key, String range) {
    HyperparameterLimits limits =
        HyperparameterLimits.fromEnv(Map.of(HyperparameterLimits.ENV, spec));
    assertThat(limits.range(method, key).spec()).isEqualTo(range);
    // Everything else keeps its default.
    for (Method m : Method.values()) {
      for (String k : DEFAULTS.keys(m)) {
        if (m != method || !k.equals(key)) {
          assertThat(limits.range(m, k)).isEqualTo(DEFAULTS.range(m, k));
        }
      }
    }
  }

  @Test
  void aConfiguredRangeIsWhatCheckEnforces() {
    HyperparameterLimits limits =
        HyperparameterLimits.parse("dlfd.epochs=1..20,retrain.epochs=1..50,dlfd.seed=0");
    assertThat(limits.check(Method.DLFD, Map.of("epochs", 20))).isEmpty();
    assertThat(limits.check(Method.RETRAIN, Map.of("epochs", 51)))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).startsWith("must be in 1..50, got 51"));
    assertThat(limits.check(Method.DLFD, Map.of("seed", 1)))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).startsWith("must be in 0, got 1"));
    assertThat(HyperparameterLimits.parse(limits.spec())).isEqualTo(limits);
    assertThat(HyperparameterLimits.fromEnv(Map.of())).isEqualTo(DEFAULTS);
    assertThat(HyperparameterLimits.parse("  ")).isEqualTo(DEFAULTS);
  }

  static Stream<Arguments> malformedSpecs() {
    return Stream.of(
        Arguments.of("dlfd.epochs", "is not method.key=range"),
        Arguments.of("epochs=1..5", "is not method.key=range"),
        Arguments.of("dlfd.epochs=1..5,", "entry '' is not method.key=range"),
        Arguments.of("dlfd.epochs=5..1", "empty range 5..1"),
        Arguments.of("dlfd.epochs=1..2..3", "expected min..max"),
        Arguments.of("dlfd.epochs=one..5", "expected integers"),
        Arguments.of("dlfd.epochs=1.5", "expected integers"),
        Arguments.of("dlfd.learningRate=abc", "expected numbers"),
        Arguments.of("dlfd.dynamicForgetting=yes", "expected true, false or true|false"),
        Arguments.of("dlfd.featureSource=logits|", "expected names separated by |"),
        Arguments.of("dlfd.featureSource=fourier", "the engine accepts only embedding|logits"),
        Arguments.of("dlfd.epochs=0..5", "the engine accepts only 1..2147483647"),
        Arguments.of("retrain.epochs=1..99999999999", "the engine accepts only"),
        Arguments.of("dlfd.momentum=0..1", "the engine accepts only 0..0.9999"),
        Arguments.of("dlfd.timeout=1..5", "no dlfd key 'timeout'; allowed: alpha"),
        Arguments.of("retrain.perturbationSteps=1..5", "no retrain key 'perturbationSteps'"),
        Arguments.of("train.epochs=1..5", "train takes no hyperparameters"),
        Arguments.of("DLFD.epochs=1..5", "unknown method 'DLFD'; methods: train, dlfd, retrain"),
        Arguments.of("dlfd.epochs=1..5,dlfd.epochs=1..6", "'dlfd.epochs' is set twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void malformedSpecs(String spec, String expected) {
    assertThatThrownBy(() -> HyperparameterLimits.fromEnv(Map.of(HyperparameterLimits.ENV, spec)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LETHE_HYPERPARAMETER_LIMITS: ")
        .hasMessageContaining(expected);
  }

  @Test
  void everyDefaultLiesWithinWhatTheEngineAccepts() {
    for (Method m : Method.values()) {
      for (String key : DEFAULTS.keys(m)) {
        assertThat(HyperparameterLimits.engineRange(m, key).covers(DEFAULTS.range(m, key)))
            .as("%s.%s", m, key)
            .isTrue();
        for (Object edge : DEFAULTS.range(m, key).edges()) {
          assertThat(DEFAULTS.check(m, Map.of(key, edge))).as("%s.%s=%s", m, key, edge).isEmpty();
        }
      }
    }
    assertThat(DEFAULTS.keys(Method.TRAIN)).isEmpty();
    assertThatThrownBy(() -> DEFAULTS.with(Method.DLFD, "epochs", new Bound.IntegerRange(0, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dlfd.epochs=0..3");
    assertThatThrownBy(() -> DEFAULTS.with(Method.DLFD, "epochs", Bound.BooleanChoice.EITHER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
