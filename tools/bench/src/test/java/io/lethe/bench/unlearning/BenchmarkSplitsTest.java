package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchmarkSplitsTest {
  private final ImageDataset dataset = TestDatasets.withSubjects(40, 2, 6, 8);

  @Test
  void tuningAndUnlearningDataNeverContainTestOrUnseenSamples() {
    BenchmarkSplits splits = BenchmarkSplits.of(dataset, 0.2, 1);
    Set<Integer> reported =
        IntStream.concat(Arrays.stream(splits.test()), Arrays.stream(splits.unseen()))
            .boxed()
            .collect(Collectors.toSet());
    for (int seed = 1; seed <= 5; seed++) {
      TuningData tuning = splits.tuningData(splits.forSeed(seed, 4));
      UnlearningData engine = tuning.unlearningData();
      assertThat(IntStream.of(tuning.allIndices()).boxed().toList())
          .doesNotContainAnyElementsOf(reported);
      for (int[] set :
          new int[][] {engine.forget(), engine.retain(), engine.unseen(), engine.validation()}) {
        assertThat(Arrays.stream(set).boxed().toList()).doesNotContainAnyElementsOf(reported);
      }
    }
  }

  @Test
  void theOriginalNeverTrainsOnTuningSubjectsAndTheyAreHeldOutHalfAndHalf() {
    BenchmarkSplits splits = BenchmarkSplits.of(dataset, 0.2, 1);
    Set<String> trained =
        Arrays.stream(splits.originalTrain())
            .mapToObj(i -> dataset.sample(i).subjectId())
            .collect(Collectors.toSet());
    // 20% of 40 TRAIN subjects plus the 2 VALIDATION subjects.
    assertThat(splits.tuningSubjects()).hasSize(10).doesNotContainAnyElementsOf(trained);
    assertThat(splits.tuningAccuracy()).hasSize(25);
    assertThat(splits.tuningNonMembers()).hasSize(25);
    assertThat(splits.originalTrain()).hasSize(32 * 5);
  }

  @Test
  void forgetSubjectsComeFromTheOriginalsTrainingSetAndDependOnTheSeed() {
    BenchmarkSplits splits = BenchmarkSplits.of(dataset, 0.2, 1);
    SeedSplit one = splits.forSeed(1, 4);
    assertThat(one.forgetSubjects())
        .hasSize(4)
        .doesNotContainAnyElementsOf(splits.tuningSubjects());
    assertThat(one.forget().length + one.retain().length).isEqualTo(splits.originalTrain().length);
    assertThat(splits.forSeed(1, 4).forgetSubjects()).isEqualTo(one.forgetSubjects());
    assertThat(splits.forSeed(2, 4).forgetSubjects()).isNotEqualTo(one.forgetSubjects());
  }

  @Test
  void tuningDataRefusesATestOrUnseenSample() {
    int[] test = {100, 101};
    int[] unseen = {200};
    assertThatThrownBy(
            () ->
                new TuningData(
                    dataset,
                    new int[] {1},
                    new int[] {2},
                    new int[] {101},
                    new int[] {3},
                    test,
                    unseen))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tuning accuracy")
        .hasMessageContaining("101");
    assertThatThrownBy(
            () ->
                new TuningData(
                    dataset,
                    new int[] {1},
                    new int[] {2},
                    new int[] {4},
                    new int[] {200},
                    test,
                    unseen))
        .hasMessageContaining("tuning non-members");
  }

  @Test
  void tooFewTuningSubjectsIsAClearError() {
    ImageDataset noValidation = TestDatasets.withSubjects(5, 0, 2, 2);
    assertThatThrownBy(() -> BenchmarkSplits.of(noValidation, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tuning-fraction");
  }
}
