package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethods;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;
import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardReport;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The utility guard on the baseline fixture (180 retain samples: an 18-sample slice): an absurd
 * step must make it brake and then stop at a state within the margin; a sane one must not.
 */
class UtilityGuardTest {
  /** One wrong slice sample costs 0.056: margin 0.12 allows two. */
  private static final UtilityGuardConfig GUARD =
      UtilityGuardConfig.defaults(true).withMargin(0.12).withCheckEvery(1);

  /** The retain samples the guard held out, recomputed the way it draws them. */
  private static int[] slice(Classifier model, UnlearningData data, long seed) {
    try (UtilityGuard g = new UtilityGuard(model, data, GUARD, seed)) {
      int[] kept = g.trainingData().retain();
      return Arrays.stream(data.retain()).filter(i -> Arrays.binarySearch(kept, i) < 0).toArray();
    }
  }

  @Test
  void anAbsurdAscentStepBrakesThenStopsAtAStateWithinTheMargin() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      int[] slice = slice(model, data, 0);
      UnlearningOutcome outcome =
          new NegGrad(
                  NegGradConfig.builder()
                      .optLearningRate(2f)
                      .optBatchSize(10)
                      .optEpochs(3)
                      .optUtilityGuard(GUARD)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      UtilityGuardReport g = outcome.guard();

      assertThat(g.enabled()).isTrue();
      assertThat(g.sliceSize()).isEqualTo(18).isEqualTo(slice.length);
      assertThat(g.brakes()).isEqualTo(UtilityGuardConfig.DEFAULT_MAX_BRAKES);
      assertThat(g.stopped()).isTrue();
      assertThat(g.reason()).startsWith("stopped at step");
      assertThat(outcome.steps()).as("stopped early").isLessThan(6);
      assertThat(g.accuracies()).hasSize(g.checks()).anyMatch(a -> a < g.parentAccuracy() - 0.12);
      double now = BaselineFixture.predict(model, slice).accuracy();
      assertThat(now)
          .isEqualTo(g.finalAccuracy())
          .isGreaterThanOrEqualTo(g.parentAccuracy() - 0.12);
    }
  }

  @Test
  void anAbsurdAscentWithoutTheGuardTakesUtilityDown() {
    // The counterpart of the test above: the same run unguarded ends below the margin, so the
    // guard's result is its doing.
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      int[] slice = slice(model, data, 0);
      double parent = BaselineFixture.predict(model, slice).accuracy();
      UnlearningOutcome outcome =
          new NegGrad(
                  NegGradConfig.builder().optLearningRate(2f).optBatchSize(10).optEpochs(3).build())
              .unlearn(model, data, ProgressListener.NONE);

      assertThat(outcome.guard()).isEqualTo(UtilityGuardReport.OFF);
      assertThat(BaselineFixture.predict(model, slice).accuracy()).isLessThan(parent - 0.12);
    }
  }

  @Test
  void aSaneStepPassesEveryCheck() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      UnlearningOutcome outcome =
          new NegGrad(
                  NegGradConfig.builder()
                      .optLearningRate(0.0005f)
                      .optBatchSize(10)
                      .optEpochs(1)
                      .optUtilityGuard(GUARD)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      UtilityGuardReport g = outcome.guard();

      assertThat(outcome.steps()).isEqualTo(data.forget().length / 10);
      assertThat(g.checks()).isEqualTo(outcome.steps() + 1); // every step and the end
      assertThat(g.brakes()).isZero();
      assertThat(g.stopped()).isFalse();
      assertThat(g.reason()).isEqualTo("within margin");
    }
  }

  @Test
  void aShortRunIsCheckedAtLeastFourTimesAndARunEndingOnItsBrakeSaysItStopped() {
    UtilityGuardConfig c = UtilityGuardConfig.defaults(true);
    assertThat(c.intervalFor(10)).isEqualTo(2);
    assertThat(c.intervalFor(3)).isEqualTo(1);
    assertThat(c.intervalFor(1000)).isEqualTo(UtilityGuardConfig.DEFAULT_CHECK_EVERY);
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      // 20 forget samples, batch 5, 2 epochs: 8 steps, checked every 2 despite guardEvery 10.
      UnlearningOutcome sane =
          new NegGrad(
                  NegGradConfig.builder()
                      .optLearningRate(0.0005f)
                      .optBatchSize(5)
                      .optEpochs(2)
                      .optUtilityGuard(c.withMargin(0.12))
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      assertThat(sane.steps()).isEqualTo(8);
      assertThat(sane.guard().checks()).isEqualTo(8 / 2 + 1);
    }
    try (Classifier model = BaselineFixture.trained()) {
      // One step, checked at it: the absurd step breaks the margin, the brake rolls back, and
      // nothing is left of the run, which therefore reports a stop at its last step.
      UnlearningOutcome one =
          new NegGrad(
                  NegGradConfig.builder()
                      .optLearningRate(2f)
                      .optBatchSize(20)
                      .optEpochs(1)
                      .optUtilityGuard(c.withMargin(0.12))
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      assertThat(one.steps()).isEqualTo(1);
      assertThat(one.guard().brakes()).isEqualTo(1);
      assertThat(one.guard().stopped()).isTrue();
      assertThat(one.guard().reason()).startsWith("stopped at step 1, the run's last");
      assertThat(one.guard().finalAccuracy()).isEqualTo(one.guard().parentAccuracy());
    }
  }

  @Test
  void dlfdWithAnAbsurdStepSizeBrakesAndEndsWithinTheMargin() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      int[] slice = slice(model, data, 0);
      UnlearningOutcome outcome = dlfd(1.0f, 0.2, data, model);
      UtilityGuardReport g = outcome.guard();

      assertThat(g.brakes()).isPositive();
      assertThat(g.stopped()).isTrue();
      assertThat(BaselineFixture.predict(model, slice).accuracy())
          .isGreaterThanOrEqualTo(g.parentAccuracy() - 0.12);
    }
  }

  @Test
  void dlfdWithItsDefaultStepSizeIsNotBraked() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      UtilityGuardReport g = dlfd(0.001f, 0.001, data, model).guard();

      assertThat(g.checks()).isPositive();
      assertThat(g.brakes()).isZero();
      assertThat(g.stopped()).isFalse();
    }
  }

  private static UnlearningOutcome dlfd(
      float learningRate, double stepSize, UnlearningData data, Classifier model) {
    return new Dlfd(
            DlfdConfig.builder()
                .optLearningRate(learningRate)
                .optStepSize(stepSize)
                .optPerturbationSteps(3)
                .optThreshold(0)
                .optBatchSize(20)
                .optEpochs(1)
                .optScoreSampleSize(20)
                .optScoreSplits(2)
                .optUtilityGuard(GUARD)
                .build())
        .unlearn(model, data, ProgressListener.NONE);
  }

  @Test
  void aRetainSetTooSmallForASliceSwitchesTheGuardOffAndSaysSo() {
    UtilityGuardConfig c = UtilityGuardConfig.defaults(true);
    assertThat(c.sliceFor(100)).isZero();
    assertThat(c.sliceFor(160)).isEqualTo(16);
    assertThat(c.sliceFor(100_000)).isEqualTo(256);
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained();
        UtilityGuard g = new UtilityGuard(model, data, c.withSliceFraction(0.05), 0)) {
      assertThat(g.active()).isFalse();
      assertThat(g.trainingData()).isSameAs(data);
      assertThat(g.report().reason()).contains("leaves no slice of 16");
    }
  }

  @Test
  void flatSettingsSetTheGuardOnTheMethodsThatCanDivergeOnly() {
    var neggrad =
        UnlearningMethods.byName(
            "neggrad", Map.of("guard", "true", "guardMargin", "0.1", "guardEvery", 5));
    assertThat(neggrad.hyperparameters())
        .containsEntry("guard", true)
        .containsEntry("guardMargin", 0.1)
        .containsEntry("guardEvery", 5)
        .containsEntry("guardBrakes", UtilityGuardConfig.DEFAULT_MAX_BRAKES);
    for (String m : new String[] {"unsir", "bad-teaching", "scrub"}) {
      assertThat(UnlearningMethods.byName(m, Map.of("guard", true)).hyperparameters())
          .containsEntry("guard", true);
    }
    assertThatThrownBy(() -> UnlearningMethods.byName("finetune", Map.of("guard", true)))
        .hasMessageContaining("unknown finetune setting(s) [guard]");
    assertThatThrownBy(() -> UnlearningMethods.byName("neggrad", Map.of("guardMargin", 2)))
        .hasMessageContaining("guardMargin=2")
        .hasMessageContaining("guard margin must be in [0,1]");
  }
}
