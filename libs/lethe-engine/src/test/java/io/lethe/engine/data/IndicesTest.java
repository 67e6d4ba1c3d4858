package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IndicesTest {
  @Test
  void shuffledIsASeededPermutationThatLeavesTheInputAlone() {
    int[] input = Indices.range(50);

    int[] a = Indices.shuffled(input, 9);

    assertThat(Indices.shuffled(input, 9)).containsExactly(a);
    assertThat(Indices.shuffled(input, 10)).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(input).containsExactlyInAnyOrder(input);
    assertThat(input).containsExactly(Indices.range(50));
  }

  @Test
  void stratifiedSubsetIsProportionalToClassFrequency() {
    int[] labels = new int[40];
    Arrays.fill(labels, 30, 40, 1); // 30 of class 0, 10 of class 1

    int[] subset = Indices.stratifiedSubset(labels, 2, 20, 4);

    assertThat(Arrays.stream(subset).filter(i -> labels[i] == 0)).hasSize(15);
    assertThat(Arrays.stream(subset).filter(i -> labels[i] == 1)).hasSize(5);
    assertThat(subset).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void stratifiedSubsetGivesTheRemainderToTheLargestShares() {
    int[] labels = {0, 0, 0, 1, 1, 2};

    int[] subset = Indices.stratifiedSubset(labels, 3, 4, 1);

    assertThat(Arrays.stream(subset).map(i -> labels[i]).sorted().toArray())
        .containsExactly(0, 0, 1, 2);
  }

  @Test
  void stratifiedSubsetRejectsMoreThanThePool() {
    assertThatThrownBy(() -> Indices.stratifiedSubset(new int[3], 1, 4, 1))
        .hasMessageContaining("cannot take 4 of 3");
  }

  @Test
  void derivedSeedsDifferPerStream() {
    assertThat(Indices.deriveSeed(1, 1)).isNotEqualTo(Indices.deriveSeed(1, 2));
    assertThat(Indices.deriveSeed(1, 1)).isEqualTo(Indices.deriveSeed(1, 1));
  }
}
