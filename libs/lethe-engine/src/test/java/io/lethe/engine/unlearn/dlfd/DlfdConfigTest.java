package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DlfdConfigTest {
  @Test
  void lambdaGrowsLinearlyFromStartToEndOverTheRun() {
    DlfdConfig c = DlfdConfig.builder().optLambda(0, 1).build();
    assertThat(c.lambdaAt(0, 11)).isEqualTo(0.0);
    assertThat(c.lambdaAt(5, 11)).isCloseTo(0.5, within(1e-12));
    assertThat(c.lambdaAt(10, 11)).isEqualTo(1.0);
  }

  @Test
  void relativeThresholdScalesWithTheOriginalScoreAndAbsoluteOneDoesNot() {
    assertThat(DlfdConfig.builder().optRelativeThreshold(0.5).build().effectiveThreshold(0.12))
        .isCloseTo(0.06, within(1e-12));
    assertThat(DlfdConfig.builder().optThreshold(0.15).build().effectiveThreshold(0.12))
        .isEqualTo(0.15);
  }

  @Test
  void defaultsAreTheAuthorsExceptThePixelSpaceStep() {
    DlfdConfig c = DlfdConfig.builder().build();
    assertThat(c.learningRate()).isEqualTo(0.008f);
    assertThat(c.batchSize()).isEqualTo(32);
    assertThat(c.perturbationSteps()).isEqualTo(15);
    assertThat(c.forgetWeight()).isEqualTo(3.0);
    assertThat(c.sinkhornEpsilon()).isEqualTo(0.01);
    assertThat(c.sinkhornIterations()).isEqualTo(50);
    assertThat(c.otOnClean()).isFalse();
    assertThat(c.perturbationSpace()).isEqualTo(PerturbationSpace.PIXEL);
    assertThat(c.describe()).containsKeys("stepSize", "otOnClean", "featureSource");
    // Checkpoint manifests refuse nulls: an unset relative threshold is left out.
    assertThat(c.describe()).doesNotContainKey("relativeThreshold").doesNotContainValue(null);
    assertThat(DlfdConfig.builder().optRelativeThreshold(0.5).build().describe())
        .containsEntry("relativeThreshold", 0.5);
  }

  @Test
  void monitorCadenceWhileCleanFollowsTheMainCadenceUnlessSet() {
    assertThat(DlfdConfig.builder().optScoreEvery(3).build().scoreEveryWhileClean()).isEqualTo(3);
    DlfdConfig c = DlfdConfig.builder().optScoreEvery(1).optScoreEveryWhileClean(10).build();
    assertThat(c.scoreEvery()).isEqualTo(1);
    assertThat(c.scoreEveryWhileClean()).isEqualTo(10);
    assertThat(c.describe()).containsEntry("scoreEveryWhileClean", 10);
    assertThatThrownBy(() -> DlfdConfig.builder().optScoreEveryWhileClean(0))
        .hasMessageContaining("score interval while clean");
  }

  @Test
  void capsCleanPhaseReadingsPerEpochByWideningTheirInterval() {
    DlfdConfig uncapped = DlfdConfig.builder().optScoreEveryWhileClean(10).build();
    DlfdConfig capped =
        DlfdConfig.builder().optScoreEveryWhileClean(10).optCleanReadingsPerEpoch(5).build();

    assertThat(uncapped.cleanPhaseInterval(139)).isEqualTo(10);
    assertThat(capped.cleanPhaseInterval(45)).as("45 / 10 is under the cap").isEqualTo(10);
    assertThat(capped.cleanPhaseInterval(139)).as("ceil(139 / 5)").isEqualTo(28);
    assertThat(capped.cleanPhaseInterval(3)).isEqualTo(10);
    assertThat(capped.describe()).containsEntry("cleanReadingsPerEpoch", 5);
    assertThat(uncapped.describe()).containsEntry("cleanReadingsPerEpoch", 0);
    assertThatThrownBy(() -> DlfdConfig.builder().optCleanReadingsPerEpoch(0))
        .hasMessageContaining("clean-phase readings per epoch");
  }

  @Test
  void resumeMarginIsAFractionOfTheOriginalScoreAndZeroByDefault() {
    DlfdConfig paper = DlfdConfig.builder().build();
    DlfdConfig hysteresis = DlfdConfig.builder().optResumeMargin(0.25).build();

    assertThat(paper.effectiveResumeMargin(0.08)).isZero();
    assertThat(hysteresis.effectiveResumeMargin(0.08)).isCloseTo(0.02, within(1e-12));
    assertThat(hysteresis.describe()).containsEntry("resumeMargin", 0.25);
    assertThatThrownBy(() -> DlfdConfig.builder().optResumeMargin(-0.1))
        .hasMessageContaining("resume margin");
    assertThatThrownBy(() -> DlfdConfig.builder().optResumeMargin(Double.NaN))
        .hasMessageContaining("resume margin");
  }

  @Test
  void rejectsNonsenseWithTheSettingNamed() {
    assertThatThrownBy(() -> DlfdConfig.builder().optStepSize(0)).hasMessageContaining("step size");
    assertThatThrownBy(() -> DlfdConfig.builder().optThreshold(0.7))
        .hasMessageContaining("threshold");
  }
}
