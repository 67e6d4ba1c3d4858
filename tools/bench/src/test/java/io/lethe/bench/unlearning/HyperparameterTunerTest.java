package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.unlearn.UnlearningData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HyperparameterTunerTest {
  private final BenchmarkSplits splits =
      BenchmarkSplits.of(TestDatasets.withSubjects(40, 0, 6, 8), 0.2, 3);
  private final BenchMethod finetune =
      BenchMethods.all().stream().filter(m -> m.key().equals("finetune")).findFirst().orElseThrow();

  @Test
  void everyIndexATrialReadsIsOutsideTheReportedTestAndUnseenSets() {
    List<Integer> read = new ArrayList<>();
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (method, settings, data) -> {
              UnlearningData d = data.unlearningData();
              for (int[] set :
                  new int[][] {
                    d.forget(),
                    d.retain(),
                    d.unseen(),
                    d.validation(),
                    data.accuracy(),
                    data.nonMembers(),
                    data.forget()
                  }) {
                Arrays.stream(set).forEach(read::add);
              }
              return new TuningScore(0.5, 0.5);
            });
    tuner.tune(finetune, splits.tuningData(splits.forSeed(1, 4)));

    Set<Integer> reported =
        IntStream.concat(Arrays.stream(splits.test()), Arrays.stream(splits.unseen()))
            .boxed()
            .collect(Collectors.toSet());
    assertThat(read).isNotEmpty().doesNotContainAnyElementsOf(reported);
  }

  @Test
  void picksTheCandidateWithTheBestValidationNomusAndRecordsEveryAttempt() {
    // Accuracy rises with the learning rate, but the largest one leaks membership (MIA 0.8).
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (method, settings, data) -> {
              double lr = (Double) settings.get("learningRate");
              return lr >= 0.01 ? new TuningScore(0.95, 0.8) : new TuningScore(0.5 + 10 * lr, 0.5);
            });
    HyperparameterTuner.Choice c = tuner.tune(finetune, splits.tuningData(splits.forSeed(1, 4)));

    assertThat(c.attempts()).hasSize(BenchMethods.BUDGET);
    assertThat(c.settings()).isEqualTo(Map.of("learningRate", 0.003));
  }

  @Test
  void aDivergedCandidateLosesInsteadOfAbortingTheSearch() {
    // The largest learning rate blows up (non-finite losses); the best finite one must win.
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (method, settings, data) -> {
              double lr = (Double) settings.get("learningRate");
              return lr >= 0.01 ? TuningScore.divergedRun() : new TuningScore(0.5 + 10 * lr, 0.5);
            });
    HyperparameterTuner.Choice c = tuner.tune(finetune, splits.tuningData(splits.forSeed(1, 4)));

    assertThat(c.attempts()).hasSize(BenchMethods.BUDGET);
    assertThat(c.attempts()).anyMatch(a -> a.score().diverged());
    assertThat(c.settings()).isEqualTo(Map.of("learningRate", 0.003));
  }

  @Test
  void aMethodWithoutGridKeepsItsDefaultsAndRunsNoTrial() {
    BenchMethod retrain = BenchMethods.select(List.of("retrain")).get(0);
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (m, s, d) -> {
              throw new AssertionError("no trial expected");
            });
    assertThat(tuner.tune(retrain, splits.tuningData(splits.forSeed(1, 4))).settings()).isEmpty();
  }

  @Test
  void theObjectiveIsNomusOfTuningAccuracyAndAttack() {
    assertThat(new TuningScore(0.9, 0.6).objective()).isEqualTo(0.5 * (0.9 + 1 - 0.2), within());
    assertThat(new TuningScore(0.9, 0.4).forgettingScore()).isEqualTo(0.1, within());
  }

  @Test
  void aCandidateBelowTheOriginalsValidationAccuracyByMoreThanTheMarginLosesWhateverItsNomus() {
    // The largest learning rate has the best NoMUS (perfect forgetting) but loses 0.2 accuracy
    // against the original's 0.9; the margin is 0.05.
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (method, settings, data) -> {
              double lr = (Double) settings.get("learningRate");
              return lr >= 0.01 ? new TuningScore(0.7, 0.5) : new TuningScore(0.88, 0.6 - lr);
            },
            0.05,
            data -> 0.9);
    HyperparameterTuner.Choice c = tuner.tune(finetune, splits.tuningData(splits.forSeed(1, 4)));

    assertThat(new TuningScore(0.7, 0.5).objective())
        .isGreaterThan(new TuningScore(0.88, 0.6 - 0.003).objective());
    assertThat(c.settings()).isEqualTo(Map.of("learningRate", 0.003));
    assertThat(c.originalAccuracy()).isEqualTo(0.9);
    assertThat(c.noneWithinMargin()).isFalse();
    assertThat(c.attempts())
        .filteredOn(a -> !a.withinMargin())
        .extracting(a -> a.settings().get("learningRate"))
        .containsExactly(0.01);
  }

  @Test
  void whenEveryCandidateBreaksTheMarginTheMostAccurateIsKeptAndTheChoiceSaysSo() {
    HyperparameterTuner tuner =
        new HyperparameterTuner(
            (method, settings, data) -> {
              double lr = (Double) settings.get("learningRate");
              return new TuningScore(0.5 + lr, 0.5 + 10 * lr);
            },
            0.05,
            data -> 0.9);
    HyperparameterTuner.Choice c = tuner.tune(finetune, splits.tuningData(splits.forSeed(1, 4)));

    assertThat(c.noneWithinMargin()).isTrue();
    assertThat(c.attempts()).noneMatch(HyperparameterTuner.Attempt::withinMargin);
    assertThat(c.settings()).isEqualTo(Map.of("learningRate", 0.01));
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
