package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedShuffleSplitTest {
  private static int[] labels(int zeros, int ones) {
    int[] y = new int[zeros + ones];
    Arrays.fill(y, zeros, zeros + ones, 1);
    return y;
  }

  private static long count(int[] indices, int[] y, int label) {
    return Arrays.stream(indices).filter(i -> y[i] == label).count();
  }

  @Test
  void balancedSplitsHaveSklearnSizesPerClass() {
    int[] y = labels(300, 300);

    List<TrainTestSplit> splits = new StratifiedShuffleSplit(10, 0.1, 0).split(y);

    assertThat(splits).hasSize(10);
    for (TrainTestSplit s : splits) {
      assertThat(s.train()).hasSize(540);
      assertThat(s.test()).hasSize(60);
      assertThat(count(s.test(), y, 1)).isEqualTo(30);
      assertThat(count(s.train(), y, 1)).isEqualTo(270);
    }
  }

  @Test
  void testSizeIsTheCeilingOfTheFraction() {
    StratifiedShuffleSplit split = new StratifiedShuffleSplit(1, 0.1, 0);
    assertThat(split.testSize(600)).isEqualTo(60);
    assertThat(split.testSize(601)).isEqualTo(61);
    assertThat(split.testSize(11)).isEqualTo(2);
  }

  @Test
  void unbalancedSplitsFollowApproximateMode() {
    // 7 zeros and 4 ones, n_test = ceil(1.1) = 2, n_train = 9: train shares 63/11=5.73 and
    // 36/11=3.27 floor to 5 and 3, the missing draw goes to class 0 (larger remainder).
    int[] y = labels(7, 4);

    for (TrainTestSplit s : new StratifiedShuffleSplit(5, 0.1, 3).split(y)) {
      assertThat(count(s.train(), y, 0)).isEqualTo(6);
      assertThat(count(s.train(), y, 1)).isEqualTo(3);
      assertThat(count(s.test(), y, 0)).isEqualTo(1);
      assertThat(count(s.test(), y, 1)).isEqualTo(1);
    }
  }

  @Test
  void approximateModeReproducesSklearnDocExamples() {
    SplittableRandom rng = new SplittableRandom(0);
    assertThat(StratifiedShuffleSplit.approximateMode(new int[] {4, 2}, 3, rng))
        .containsExactly(2, 1);
    assertThat(StratifiedShuffleSplit.approximateMode(new int[] {5, 2}, 4, rng))
        .containsExactly(3, 1);
  }

  @Test
  void approximateModeBreaksTiesRandomlyButDeterministicallyFromTheSeed() {
    // counts [2,2,2,1], 2 draws: shares 4/7,4/7,4/7,2/7 all floor to 0; the two draws go to two of
    // the three tied largest remainders, never to the last class.
    Set<String> outcomes = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      int[] mode =
          StratifiedShuffleSplit.approximateMode(
              new int[] {2, 2, 2, 1}, 2, new SplittableRandom(seed));
      assertThat(mode[3]).isZero();
      assertThat(IntStream.of(mode).sum()).isEqualTo(2);
      assertThat(mode).containsOnly(0, 1);
      assertThat(
              StratifiedShuffleSplit.approximateMode(
                  new int[] {2, 2, 2, 1}, 2, new SplittableRandom(seed)))
          .containsExactly(mode);
      outcomes.add(Arrays.toString(mode));
    }
    assertThat(outcomes).hasSize(3);
  }

  @Test
  void trainAndTestAreDisjointAndCoverAllSamples() {
    int[] y = labels(50, 73);

    for (TrainTestSplit s : new StratifiedShuffleSplit(4, 0.25, 9).split(y)) {
      Set<Integer> seen = new HashSet<>();
      IntStream.concat(IntStream.of(s.train()), IntStream.of(s.test()))
          .forEach(i -> assertThat(seen.add(i)).as("index %d appears twice", i).isTrue());
      assertThat(seen).hasSize(123);
    }
  }

  @Test
  void sameSeedGivesSameSplitsAndDifferentSeedsDiffer() {
    int[] y = labels(100, 100);

    List<TrainTestSplit> a = new StratifiedShuffleSplit(3, 0.1, 42).split(y);
    List<TrainTestSplit> b = new StratifiedShuffleSplit(3, 0.1, 42).split(y);
    List<TrainTestSplit> c = new StratifiedShuffleSplit(3, 0.1, 43).split(y);

    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a.get(0)).isNotEqualTo(a.get(1));
  }

  @Test
  void rejectsClassesTooSmallToStratify() {
    assertThatThrownBy(() -> new StratifiedShuffleSplit(1, 0.1, 0).split(new int[] {0, 0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class 1 has only 1 sample");
    assertThatThrownBy(() -> new StratifiedShuffleSplit(1, 0.1, 0).split(labels(5, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test size 1 is smaller than the number of classes 2");
  }

  @Test
  void rejectsBadOptions() {
    assertThatThrownBy(() -> new StratifiedShuffleSplit(0, 0.1, 0))
        .hasMessageContaining("numSplits must be at least 1");
    assertThatThrownBy(() -> new StratifiedShuffleSplit(1, 1.0, 0))
        .hasMessageContaining("testFraction must be in (0, 1)");
    assertThatThrownBy(() -> new StratifiedShuffleSplit(1, Double.NaN, 0))
        .hasMessageContaining("testFraction");
    assertThatThrownBy(() -> new StratifiedShuffleSplit(1, 0.1, 0).split(new int[0]))
        .hasMessageContaining("zero samples");
  }
}
