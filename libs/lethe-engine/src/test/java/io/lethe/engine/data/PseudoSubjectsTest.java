package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.Split;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PseudoSubjectsTest {
  @Test
  void sameSeedGivesTheSameAssignmentAndAnotherSeedADifferentOne() {
    PseudoSubjects.Assignment a = new PseudoSubjects(5, 0.2, 0, 11).assignTrainPool(100);
    PseudoSubjects.Assignment again = new PseudoSubjects(5, 0.2, 0, 11).assignTrainPool(100);
    PseudoSubjects.Assignment other = new PseudoSubjects(5, 0.2, 0, 12).assignTrainPool(100);

    assertThat(again.subjectOf()).containsExactly(a.subjectOf());
    assertThat(again.splitOf()).containsExactly(a.splitOf());
    assertThat(other.subjectOf()).isNotEqualTo(a.subjectOf());
  }

  @Test
  void subjectsAreChunksOfSamplesPerSubjectWithASmallerLastOne() {
    String[] subjects = new PseudoSubjects(7, 0.2, 0, 1).assignTrainPool(30).subjectOf();

    Map<String, Long> sizes =
        Arrays.stream(subjects)
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(sizes).hasSize(5).containsEntry("s0004", 2L);
    assertThat(sizes.values()).filteredOn(n -> n == 7L).hasSize(4);
  }

  @Test
  void subjectsAreNotConsecutiveRunsOfTheFile() {
    String[] subjects = new PseudoSubjects(10, 0.2, 0, 1).assignTrainPool(100).subjectOf();

    Set<String> firstTen = new HashSet<>(Arrays.asList(subjects).subList(0, 10));
    assertThat(firstTen).hasSizeGreaterThan(1);
  }

  @Test
  void unseenSubjectsAreDisjointFromTrainSubjectsAndSizedByTheFraction() {
    PseudoSubjects.Assignment a = new PseudoSubjects(4, 0.25, 0.125, 3).assignTrainPool(160);

    Map<Split, Set<String>> bySplit = new java.util.EnumMap<>(Split.class);
    for (int i = 0; i < 160; i++) {
      bySplit.computeIfAbsent(a.splitOf()[i], k -> new HashSet<>()).add(a.subjectOf()[i]);
    }
    assertThat(bySplit.get(Split.UNSEEN))
        .hasSize(10)
        .doesNotContainAnyElementsOf(bySplit.get(Split.TRAIN));
    assertThat(bySplit.get(Split.VALIDATION))
        .hasSize(5)
        .doesNotContainAnyElementsOf(bySplit.get(Split.TRAIN));
    assertThat(bySplit.get(Split.TRAIN)).hasSize(25);
  }

  @Test
  void testPoolSubjectsUseTheirOwnNamespace() {
    String[] test = new PseudoSubjects(5, 0.2, 0, 1).assignTestPool(12);

    assertThat(test).allMatch(s -> s.matches("t\\d{4}"));
    assertThat(new HashSet<>(Arrays.asList(test))).hasSize(3);
  }

  @Test
  void smallFractionStillHoldsOutOneSubject() {
    PseudoSubjects.Assignment a = new PseudoSubjects(10, 0.01, 0, 1).assignTrainPool(50);

    assertThat(Arrays.stream(a.splitOf()).filter(s -> s == Split.UNSEEN)).hasSize(10);
  }

  @Test
  void rejectsInvalidOptions() {
    assertThatThrownBy(() -> new PseudoSubjects(0, 0.2, 0, 1))
        .hasMessageContaining("samplesPerSubject must be at least 1");
    assertThatThrownBy(() -> new PseudoSubjects(5, 1.2, 0, 1))
        .hasMessageContaining("unseenFraction must be in [0,1)");
    assertThatThrownBy(() -> new PseudoSubjects(5, 0.6, 0.5, 1))
        .hasMessageContaining("must leave subjects for training");
    assertThatThrownBy(() -> new PseudoSubjects(10, 0.5, 0, 1).assignTrainPool(10))
        .hasMessageContaining("only 1 pseudo-subjects");
  }
}
