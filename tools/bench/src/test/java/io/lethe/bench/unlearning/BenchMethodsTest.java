package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMethodsTest {
  @Test
  void everyRowOfThePaperIsThereInTableOrder() {
    assertThat(BenchMethods.all())
        .extracting(BenchMethod::key)
        .containsExactly(
            "retrain",
            "finetune",
            "neggrad",
            "cf-k",
            "eu-k",
            "unsir",
            "bad-teaching",
            "scrub",
            "dlfd",
            "dlfd-ot-only",
            "dlfd-ot-cls",
            "dlfd-unguarded");
  }

  @Test
  void everyTunableMethodGetsTheSameBudgetAndEveryCandidateBuilds() {
    for (BenchMethod m : BenchMethods.all()) {
      if (m.isRetrain()
          || m.variant() == DlfdVariant.OT_ONLY
          || m.variant() == DlfdVariant.WITH_CLASSIFICATION
          || m.variant() == DlfdVariant.UNGUARDED) {
        assertThat(m.grid()).as(m.key()).isEmpty();
        continue;
      }
      assertThat(m.grid()).as(m.key()).hasSize(BenchMethods.BUDGET);
      for (Map<String, Object> candidate : m.grid()) {
        UnlearningMethod built = m.create(7, candidate);
        assertThat(built.hyperparameters()).containsEntry("seed", 7);
      }
    }
  }

  @Test
  void unsirsRepairLearningRateFollowsItsImpairLearningRateAtTheAuthorsRatio() {
    BenchMethod unsir = BenchMethods.select(List.of("unsir")).get(0);
    for (Map<String, Object> candidate : unsir.grid()) {
      Map<String, Object> built = unsir.create(1, candidate).hyperparameters();
      assertThat(((Number) built.get("repairLearningRate")).doubleValue())
          .isCloseTo(
              ((Number) built.get("learningRate")).doubleValue() / 2,
              org.assertj.core.data.Offset.offset(1e-9));
    }
    // The authors' own setting (Adam, impair 0.02, repair 0.01) is one of the candidates.
    assertThat(unsir.grid())
        .anySatisfy(
            c -> assertThat(((Number) c.get("learningRate")).doubleValue()).isEqualTo(0.02));
  }

  @Test
  void ablationRowsMapToThePapersComponents() {
    assertThat(config(DlfdVariant.OT_ONLY))
        .returns(false, DlfdConfig::classificationLoss)
        .returns(false, DlfdConfig::dynamicForgetting);
    assertThat(config(DlfdVariant.WITH_CLASSIFICATION))
        .returns(true, DlfdConfig::classificationLoss)
        .returns(false, DlfdConfig::dynamicForgetting);
    assertThat(config(DlfdVariant.FULL))
        .returns(true, DlfdConfig::classificationLoss)
        .returns(true, DlfdConfig::dynamicForgetting);
  }

  @Test
  void ablationRowsShareEveryOtherSettingWithFullDlfd() {
    Map<String, Object> tuned = Map.of("stepSize", 0.003, "relativeThreshold", 0.25);
    Map<String, Object> full = DlfdSettings.config(DlfdVariant.FULL, tuned).describe();
    Map<String, Object> otOnly = DlfdSettings.config(DlfdVariant.OT_ONLY, tuned).describe();
    full.remove("classificationLoss");
    full.remove("dynamicForgetting");
    otOnly.remove("classificationLoss");
    otOnly.remove("dynamicForgetting");
    assertThat(otOnly).isEqualTo(full).containsEntry("stepSize", 0.003);
  }

  @Test
  void dlfdDefaultsToAThresholdRelativeToTheOriginalsScore() {
    BenchMethod dlfd = BenchMethods.select(List.of("dlfd")).get(0);
    assertThat(dlfd.create(1, Map.of()).hyperparameters())
        .containsEntry("relativeThreshold", BenchMethods.DLFD_RELATIVE_THRESHOLD);
  }

  @Test
  void dlfdsGridSpansTheEnginesDefaultStepSizeToTheLargePoolsAndReadsRarelyWhileClean() {
    BenchMethod dlfd = BenchMethods.select(List.of("dlfd")).get(0);

    assertThat(dlfd.grid())
        .containsExactly(
            Map.of("stepSize", 0.001, "scoreEvery", 1),
            Map.of("stepSize", 0.003, "scoreEvery", 1),
            Map.of("stepSize", 0.01, "scoreEvery", 1),
            Map.of("stepSize", 0.02, "scoreEvery", 1));
    assertThat(dlfd.grid())
        .as("the engine's own default α is a candidate")
        .anySatisfy(
            c -> assertThat(c.get("stepSize")).isEqualTo(DlfdConfig.builder().build().stepSize()));
    Map<String, Object> built = dlfd.create(1, dlfd.grid().get(0)).hyperparameters();
    assertThat(built)
        .containsEntry("scoreEvery", 1)
        .containsEntry("scoreEveryWhileClean", 10)
        .containsEntry("cleanReadingsPerEpoch", 5);
  }

  @Test
  void dlfdDefaultsToAResumeMarginSoNoisyReadingsNearTheThresholdDoNotReArmPerturbation() {
    BenchMethod dlfd = BenchMethods.select(List.of("dlfd")).get(0);

    assertThat(dlfd.create(1, Map.of()).hyperparameters()).containsEntry("resumeMargin", 0.25);
    assertThat(dlfd.create(1, Map.of("resumeMargin", 0.0)).hyperparameters())
        .containsEntry("resumeMargin", 0.0);
  }

  @Test
  void unknownSettingsAndMethodsAreRejectedByName() {
    assertThatThrownBy(() -> DlfdSettings.config(DlfdVariant.FULL, Map.of("alpah", 1)))
        .hasMessageContaining("alpah");
    assertThatThrownBy(() -> BenchMethods.select(List.of("retrian")))
        .hasMessageContaining("retrian");
  }

  @Test
  void theOtFeatureLayerAndTheMonitorsCadenceCanBeSetByName() {
    DlfdConfig c =
        DlfdSettings.config(
            DlfdVariant.FULL,
            Map.of("featureSource", "embedding", "scoreEvery", "3", "scoreSampleSize", 256));

    assertThat(c.featureSource()).isEqualTo(FeatureSource.EMBEDDING);
    assertThat(c.scoreEvery()).isEqualTo(3);
    assertThat(c.scoreSampleSize()).isEqualTo(256);
    assertThatThrownBy(() -> DlfdSettings.config(DlfdVariant.FULL, Map.of("featureSource", "pool")))
        .hasMessageContaining("logits or embedding")
        .hasMessageContaining("pool");
  }

  private static DlfdConfig config(DlfdVariant v) {
    return DlfdSettings.config(v, Map.of("alpha", 0.002));
  }

  @Test
  void everyBaselinesGridContainsItsEngineDefaultLearningRate() {
    for (BenchMethod m : BenchMethods.all()) {
      if (m.isRetrain() || m.isDlfd()) {
        continue;
      }
      double engineDefault =
          ((Number) m.create(0, Map.of()).hyperparameters().get("learningRate")).doubleValue();
      assertThat(m.grid())
          .as(m.key())
          .anySatisfy(
              c ->
                  assertThat(((Number) c.get("learningRate")).doubleValue())
                      .isCloseTo(engineDefault, org.assertj.core.data.Offset.offset(1e-9)));
    }
  }

  @Test
  void dlfdIsGuardedByDefaultAndItsUnguardedRowOnlySwitchesTheGuardOff() {
    Map<String, Object> tuned = Map.of("stepSize", 0.01, "guardMargin", 0.1);
    Map<String, Object> full = DlfdSettings.config(DlfdVariant.FULL, tuned).describe();
    Map<String, Object> off = DlfdSettings.config(DlfdVariant.UNGUARDED, tuned).describe();
    assertThat(full).containsEntry("guard", true).containsEntry("guardMargin", 0.1);
    assertThat(off).containsEntry("guard", false);
    full.keySet().removeIf(k -> k.startsWith("guard"));
    off.keySet().removeIf(k -> k.startsWith("guard"));
    assertThat(off).isEqualTo(full);
    assertThatThrownBy(() -> DlfdSettings.config(DlfdVariant.FULL, Map.of("guard", "maybe")))
        .hasMessageContaining("guard must be true or false");
  }
}
