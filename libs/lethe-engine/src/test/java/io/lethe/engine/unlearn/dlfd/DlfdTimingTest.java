package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.api.Test;

/**
 * DLFD says where its wall time went (monitor, perturbation, the rest), because that is what
 * decides whether it can be ten times cheaper than retraining: the benchmark's Table 3 shows it.
 */
class DlfdTimingTest {

  private static UnlearningOutcome run(DlfdConfig.Builder config) {
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 4, Normalization.uniform(1, 0.5f, 0.25f));
    UnlearningData data =
        RandomImageData.forgettingTwoSubjects(RandomImageData.dataset(160, 120, 9));
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), 1)) {
      return new Dlfd(
              config
                  .optBatchSize(16)
                  .optPerturbationSteps(3)
                  .optScoreEvery(2)
                  .optScoreSampleSize(32)
                  .build())
          .unlearn(model, data, ProgressListener.NONE);
    }
  }

  @Test
  void splitsItsWallTimeIntoMonitorAndPerturbationWhenEveryBatchIsPerturbed() {
    // Threshold 0: every estimate is at or above it, so the monitor runs and every batch perturbs.
    UnlearningOutcome outcome = run(DlfdConfig.builder().optThreshold(0));

    assertThat(outcome.perturbedSteps()).isEqualTo(outcome.steps()).isPositive();
    assertThat(outcome.perturbationSeconds()).isPositive();
    assertThat(outcome.monitorSeconds()).isPositive();
    assertThat(outcome.monitorSeconds() + outcome.perturbationSeconds())
        .as("the phases are parts of the wall time")
        .isLessThan(outcome.seconds());
  }

  @Test
  void spendsNoPerturbationTimeWhenTheScoreNeverReachesTheThreshold() {
    // A forgetting score of 0.5 needs a perfect attack; on random images it stays far below.
    UnlearningOutcome outcome = run(DlfdConfig.builder().optThreshold(0.5));

    assertThat(outcome.perturbedSteps()).isZero();
    assertThat(outcome.perturbationSeconds()).isZero();
    assertThat(outcome.monitorSeconds()).isPositive().isLessThan(outcome.seconds());
  }

  @Test
  void readsTheMonitorAtItsOwnCadenceWhileTrainingOnCleanBatches() {
    // 100 retain images in batches of 16: 6 batches. Never perturbing (threshold 0.5), the
    // readings are the initial one plus one after every 2 or every 4 batches; none after the last.
    UnlearningOutcome paperCadence = run(DlfdConfig.builder().optThreshold(0.5));
    UnlearningOutcome slowerWhileClean =
        run(DlfdConfig.builder().optThreshold(0.5).optScoreEveryWhileClean(4));

    assertThat(paperCadence.steps()).isEqualTo(6);
    assertThat(paperCadence.monitorEstimates()).isEqualTo(3);
    assertThat(slowerWhileClean.monitorEstimates()).isEqualTo(2);
  }

  @Test
  void capsTheCleanPhaseReadingsPerEpoch() {
    // 6 batches, one reading per epoch allowed: every 6 batches, so none between batches (the
    // last batch takes none); only the initial reading is left.
    UnlearningOutcome capped =
        run(
            DlfdConfig.builder()
                .optThreshold(0.5)
                .optScoreEveryWhileClean(1)
                .optCleanReadingsPerEpoch(1));
    UnlearningOutcome threePerEpoch =
        run(
            DlfdConfig.builder()
                .optThreshold(0.5)
                .optScoreEveryWhileClean(1)
                .optCleanReadingsPerEpoch(3));

    assertThat(capped.monitorEstimates()).isEqualTo(1);
    assertThat(threePerEpoch.monitorEstimates()).as("initial + after batches 2 and 4").isEqualTo(3);
  }

  @Test
  void keepsTheFastCadenceWhilePerturbing() {
    UnlearningOutcome outcome =
        run(DlfdConfig.builder().optThreshold(0).optScoreEveryWhileClean(100));

    assertThat(outcome.perturbedSteps()).isEqualTo(6);
    assertThat(outcome.monitorEstimates()).isEqualTo(3);
  }

  @Test
  void withoutDynamicForgettingTheMonitorStaysOffTheClockAndOnlyReportsBeforeAndAfter() {
    UnlearningOutcome outcome = run(DlfdConfig.builder().optDynamicForgetting(false));

    assertThat(outcome.perturbedSteps()).isEqualTo(outcome.steps()).isPositive();
    assertThat(outcome.monitorSeconds()).as("no reading steers anything").isZero();
    assertThat(outcome.monitorEstimates()).isZero();
    assertThat(outcome.initialForgettingScore()).isBetween(0.0, 0.5);
    assertThat(outcome.finalForgettingScore()).isBetween(0.0, 0.5);
  }
}
