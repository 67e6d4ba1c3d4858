package io.lethe.engine.unlearn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MethodRegistryTest {
  @Test
  void everyMethodBuildsFromAnEmptyMapWithItsDefaults() {
    assertThat(MethodRegistry.DLFD.build(Map.of()).describe())
        .isEqualTo(DlfdConfig.builder().build().describe());
    assertThat(MethodRegistry.DLFD.build(null).describe())
        .isEqualTo(DlfdConfig.builder().build().describe());
    assertThat(MethodRegistry.RETRAIN.build(Map.of()).describe())
        .isEqualTo(TrainingRecipe.builder().build().describe());
    assertThat(MethodRegistry.BASELINE_NAMES)
        .containsExactly("finetune", "neggrad", "cf-k", "eu-k", "unsir", "bad-teaching", "scrub");
    for (String name : MethodRegistry.BASELINE_NAMES) {
      UnlearningMethod m = MethodRegistry.baseline(name).build(Map.of());
      assertThat(m.name()).isEqualTo(name);
    }
  }

  /** Every key, set to its default value, is accepted and changes nothing. */
  @Test
  void everyDeclaredKeyIsAcceptedByItsMethod() {
    Map<String, Object> dlfdDefaults = new HashMap<>(DlfdConfig.builder().build().describe());
    dlfdDefaults.put("alpha", dlfdDefaults.get("stepSize"));
    // Unset by default (no value in describe()): any valid value.
    Set<String> unset = Set.of("relativeThreshold", "cleanReadingsPerEpoch");
    acceptsEveryKey(MethodRegistry.DLFD, dlfdDefaults, DlfdConfig::describe, unset);
    assertThat(MethodRegistry.DLFD.build(Map.of("relativeThreshold", 0.5)).relativeThreshold())
        .isEqualTo(0.5);
    assertThat(
            MethodRegistry.DLFD.build(Map.of("cleanReadingsPerEpoch", "5")).cleanReadingsPerEpoch())
        .isEqualTo(5);
    acceptsEveryKey(
        MethodRegistry.RETRAIN,
        TrainingRecipe.builder().build().describe(),
        TrainingRecipe::describe,
        Set.of());
    for (String name : MethodRegistry.BASELINE_NAMES) {
      MethodSpec<?, UnlearningMethod> spec = MethodRegistry.baseline(name);
      acceptsEveryKey(
          spec,
          spec.build(Map.of()).hyperparameters(),
          UnlearningMethod::hyperparameters,
          Set.of());
    }
  }

  private static <T> void acceptsEveryKey(
      MethodSpec<?, T> spec,
      Map<String, Object> defaults,
      Function<T, Map<String, Object>> describe,
      Set<String> unset) {
    Map<String, Object> expected = describe.apply(spec.build(Map.of()));
    for (String key : spec.keys()) {
      if (unset.contains(key)) {
        continue;
      }
      assertThat(defaults).as(spec.name() + "." + key).containsKey(key);
      Object asText = String.valueOf(defaults.get(key));
      assertThat(describe.apply(spec.build(Map.of(key, defaults.get(key)))))
          .as(spec.name() + "." + key)
          .isEqualTo(expected);
      assertThat(describe.apply(spec.build(Map.of(key, asText))))
          .as(spec.name() + "." + key + " as text")
          .isEqualTo(expected);
    }
  }

  @Test
  void anUnknownKeyIsRefusedListingTheAcceptedOnes() {
    assertThatThrownBy(() -> MethodRegistry.DLFD.build(Map.of("alpah", 1, "stepSize", 0.01)))
        .isInstanceOf(UnknownSettingsException.class)
        .hasMessage(
            "unknown dlfd setting(s) [alpah]; dlfd accepts "
                + new java.util.TreeSet<>(MethodRegistry.DLFD.keys()));
    for (String name : MethodRegistry.BASELINE_NAMES) {
      assertThatThrownBy(() -> MethodRegistry.baseline(name).build(Map.of("zeta", 1)))
          .isInstanceOf(UnknownSettingsException.class)
          .hasMessageContaining("unknown " + name + " setting(s) [zeta]")
          .hasMessageContaining("learningRate");
    }
    assertThatThrownBy(() -> MethodRegistry.baseline("forgetful"))
        .hasMessageContaining("'forgetful'")
        .hasMessageContaining("scrub");
  }

  @Test
  void aWrongTypeOrAnOutOfRangeValueNamesTheMethodAndTheKey() {
    assertThatThrownBy(() -> MethodRegistry.DLFD.build(Map.of("perturbationSteps", 2.5)))
        .isInstanceOf(SettingException.class)
        .hasMessage("dlfd setting perturbationSteps=2.5: not an integer")
        .satisfies(e -> assertThat(((SettingException) e).wrongType()).isTrue());
    assertThatThrownBy(() -> MethodRegistry.DLFD.build(Map.of("featureSource", "pool")))
        .hasMessage("dlfd setting featureSource=pool: not logits or embedding");
    assertThatThrownBy(() -> MethodRegistry.DLFD.build(Map.of("stepSize", Double.NaN)))
        .hasMessage("dlfd setting stepSize=NaN: not a finite number");
    assertThatThrownBy(() -> MethodRegistry.DLFD.build(Map.of("guardMargin", 2)))
        .isInstanceOf(SettingException.class)
        .hasMessage("dlfd setting guardMargin=2: guard margin must be in [0,1], got 2.0")
        .satisfies(e -> assertThat(((SettingException) e).wrongType()).isFalse());
    assertThatThrownBy(() -> MethodRegistry.RETRAIN.build(Map.of("cosineSchedule", 1)))
        .hasMessage("retrain setting cosineSchedule=1: not true or false");
    assertThatThrownBy(() -> MethodRegistry.baseline("scrub").build(Map.of("epochs", 0)))
        .hasMessageStartingWith("scrub: ")
        .hasMessageContaining("epochs must be positive");
  }

  @Test
  void laterKeysWinWhereTwoSetTheSameThing() {
    Map<String, Object> both = new java.util.LinkedHashMap<>();
    both.put("stepSize", 0.01);
    both.put("alpha", 0.002);
    assertThat(MethodRegistry.DLFD.build(both).stepSize()).isEqualTo(0.002);
    assertThat(MethodRegistry.DLFD.build(Map.of("lambdaEnd", 0.5)).lambdaStart()).isZero();
  }

  @Test
  void onlyTheImplementationVariantsAreMarkedResearch() {
    assertThat(
            MethodRegistry.DLFD.settings().stream()
                .filter(Setting::research)
                .map(Setting::name)
                .toList())
        .containsExactly(
            "featureSource", "otOnClean", "perturbationSpace", "perturbInTrainingMode");
    assertThat(MethodRegistry.DLFD.settings())
        .allSatisfy(s -> assertThat(s.description()).isNotBlank());
  }
}
