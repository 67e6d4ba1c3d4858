package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.Method;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.engine.unlearn.dlfd.PerturbationSpace;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import io.lethe.service.limits.Bound;
import io.lethe.service.limits.HyperparameterLimits;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MethodSettingsTest {
  @Test
  void noOverridesGiveTheEngineDefaults() {
    assertThat(MethodSettings.dlfd(null).describe())
        .isEqualTo(DlfdConfig.builder().build().describe());
    assertThat(MethodSettings.dlfd(Map.of()).describe())
        .isEqualTo(DlfdConfig.builder().build().describe());
  }

  @Test
  void overridesMapOntoTheConfig() {
    DlfdConfig c =
        MethodSettings.dlfd(
            Map.of(
                "perturbationSteps",
                2,
                "alpha",
                0.002,
                "threshold",
                new BigDecimal("0.3"),
                "epochs",
                2.0,
                "dynamicForgetting",
                false,
                "lambdaEnd",
                0.5,
                "learningRate",
                0.01,
                "scoreEvery",
                1,
                "scoreEveryWhileClean",
                10));
    assertThat(c.perturbationSteps()).isEqualTo(2);
    assertThat(c.stepSize()).isEqualTo(0.002);
    assertThat(c.threshold()).isEqualTo(0.3);
    assertThat(c.epochs()).isEqualTo(2);
    assertThat(c.dynamicForgetting()).isFalse();
    assertThat(c.lambdaStart()).isEqualTo(0.0);
    assertThat(c.lambdaEnd()).isEqualTo(0.5);
    assertThat(c.learningRate()).isEqualTo(0.01f);
    assertThat(c.scoreEvery()).isEqualTo(1);
    assertThat(c.scoreEveryWhileClean()).isEqualTo(10);
  }

  @Test
  void capsTheCleanPhaseReadingsPerEpoch() {
    DlfdConfig c =
        MethodSettings.dlfd(Map.of("scoreEveryWhileClean", 10, "cleanReadingsPerEpoch", 5));

    assertThat(c.cleanReadingsPerEpoch()).isEqualTo(5);
    assertThat(c.cleanPhaseInterval(139)).isEqualTo(28);
  }

  @Test
  void acceptsAResumeMarginForDynamicForgetting() {
    assertThat(MethodSettings.dlfd(Map.of("resumeMargin", 0.25)).resumeMargin()).isEqualTo(0.25);
    assertThat(MethodSettings.dlfd(Map.of()).resumeMargin()).isZero();
  }

  @Test
  void unknownKeysAreRejectedByName() {
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("perturbationStep", 2, "zeta", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[perturbationStep, zeta]")
        .hasMessageContaining("perturbationSteps");
  }

  @Test
  void mistypedOrOutOfRangeValuesAreRejectedByName() {
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("perturbationSteps", 2.5)))
        .hasMessageContaining("perturbationSteps must be an integer");
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("threshold", "high")))
        .hasMessageContaining("threshold must be a number");
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("dynamicForgetting", 1)))
        .hasMessageContaining("dynamicForgetting must be a boolean");
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("batchSize", -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hyperparameter batchSize");
  }

  @Test
  void retrainingStartsFromTheParentsRecipe() {
    TrainingRecipe r =
        MethodSettings.retrain(
            Map.of("epochs", 1),
            Map.of("epochs", 3, "batchSize", 16, "learningRate", 0.02, "trainSamples", 240));
    assertThat(r.epochs()).isEqualTo(1);
    assertThat(r.batchSize()).isEqualTo(16);
    assertThat(r.learningRate()).isEqualTo(0.02f);
    assertThatThrownBy(() -> MethodSettings.retrain(Map.of("perturbationSteps", 2), Map.of()))
        .hasMessageContaining("unsupported retrain hyperparameter(s) [perturbationSteps]");
  }

  @Test
  void theLimitsBoundExactlyTheKeysAccepted() {
    HyperparameterLimits limits = HyperparameterLimits.defaults();
    assertThat(limits.keys(Method.DLFD)).isEqualTo(MethodSettings.DLFD_KEYS);
    assertThat(limits.keys(Method.RETRAIN)).isEqualTo(MethodSettings.RETRAIN_KEYS);
    assertThat(limits.keys(Method.TRAIN)).isEmpty();
  }

  @Test
  void theKeysAreTheEngineRegistrys() {
    assertThat(MethodSettings.DLFD_KEYS).isEqualTo(MethodRegistry.DLFD.keys());
    assertThat(MethodSettings.RETRAIN_KEYS).isEqualTo(MethodRegistry.RETRAIN.keys());
    DlfdConfig c =
        MethodSettings.dlfd(
            Map.of(
                "featureSource",
                "embedding",
                "otOnClean",
                true,
                "perturbationSpace",
                "normalised_clamped",
                "perturbInTrainingMode",
                true));
    assertThat(c.featureSource()).isEqualTo(FeatureSource.EMBEDDING);
    assertThat(c.otOnClean()).isTrue();
    assertThat(c.perturbationSpace()).isEqualTo(PerturbationSpace.NORMALISED_CLAMPED);
    assertThat(c.perturbInTrainingMode()).isTrue();
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("featureSource", "pixels")))
        .hasMessageContaining("hyperparameter featureSource must be logits or embedding");
  }

  /**
   * Every value the default limits, or the widest an operator may configure, allow is one the
   * engine takes: otherwise the intake would accept requests the worker must fail. And for integer
   * keys, the widest range is exactly the engine's: one past either end is refused.
   */
  @Test
  void everyValueTheLimitsAllowIsOneTheEngineTakes() {
    Map<Method, Function<Map<String, Object>, Object>> settings =
        Map.of(
            Method.DLFD,
            MethodSettings::dlfd,
            Method.RETRAIN,
            o -> MethodSettings.retrain(o, Map.of()));
    HyperparameterLimits limits = HyperparameterLimits.defaults();
    for (Method m : Set.of(Method.DLFD, Method.RETRAIN)) {
      for (String key : limits.keys(m)) {
        for (Bound bound :
            new Bound[] {limits.range(m, key), HyperparameterLimits.engineRange(m, key)}) {
          for (Object edge : bound.edges()) {
            assertThatCode(() -> settings.get(m).apply(Map.of(key, edge)))
                .as("%s.%s=%s", m, key, edge)
                .doesNotThrowAnyException();
          }
        }
        if (HyperparameterLimits.engineRange(m, key) instanceof Bound.IntegerRange r
            && r.min() > Integer.MIN_VALUE) {
          assertThatThrownBy(() -> settings.get(m).apply(Map.of(key, r.min() - 1)))
              .as("%s.%s=%s", m, key, r.min() - 1)
              .isInstanceOf(IllegalArgumentException.class);
          assertThatThrownBy(() -> settings.get(m).apply(Map.of(key, r.max() + 1)))
              .as("%s.%s=%s", m, key, r.max() + 1)
              .isInstanceOf(IllegalArgumentException.class);
        }
      }
    }
  }

  @Test
  void theUtilityGuardIsOffByDefaultAndItsKeysMapOntoTheConfig() {
    assertThat(MethodSettings.dlfd(Map.of()).utilityGuard().enabled()).isFalse();
    assertThat(MethodSettings.dlfd(Map.of("guard", true)).utilityGuard().enabled()).isTrue();
    var g =
        MethodSettings.dlfd(
                Map.of(
                    "guard",
                    true,
                    "guardMargin",
                    0.1,
                    "guardSlice",
                    64,
                    "guardSliceFraction",
                    0.2,
                    "guardEvery",
                    3,
                    "guardBrakes",
                    1))
            .utilityGuard();
    assertThat(g.margin()).isEqualTo(0.1);
    assertThat(g.sliceSize()).isEqualTo(64);
    assertThat(g.sliceFraction()).isEqualTo(0.2);
    assertThat(g.checkEvery()).isEqualTo(3);
    assertThat(g.maxBrakes()).isEqualTo(1);
    assertThat(MethodSettings.dlfd(Map.of("guard", false)).utilityGuard().enabled()).isFalse();
    assertThatThrownBy(() -> MethodSettings.dlfd(Map.of("guardMargin", 1.5)))
        .hasMessageContaining("hyperparameter guardMargin")
        .hasMessageContaining("guard margin must be in [0,1]");
  }
}
