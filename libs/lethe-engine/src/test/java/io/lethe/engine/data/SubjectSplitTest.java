package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectSplitTest {
  /** 20 subjects s00..s19 with 3 images each, interleaved. */
  private static List<String> subjects() {
    List<String> s = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 20; p++) {
        s.add(String.format("s%02d", p));
      }
    }
    return s;
  }

  private static List<Split> none(int n) {
    return new ArrayList<>(Collections.nCopies(n, (Split) null));
  }

  private static Map<Split, Set<String>> bySplit(List<String> subjects, List<Split> splits) {
    Map<Split, Set<String>> r = new EnumMap<>(Split.class);
    for (int i = 0; i < subjects.size(); i++) {
      r.computeIfAbsent(splits.get(i), k -> new HashSet<>()).add(subjects.get(i));
    }
    return r;
  }

  @Test
  void withoutDeclaredSplitsWholeSubjectsGoToOnePartSizedByTheFractions() {
    List<String> subjects = subjects();
    List<Split> splits = new SubjectSplit(0.2, 0.25, 7).complete(subjects, none(60));

    Map<Split, Set<String>> parts = bySplit(subjects, splits);
    assertThat(parts.get(Split.UNSEEN)).hasSize(5);
    assertThat(parts.get(Split.TEST)).hasSize(4);
    assertThat(parts.get(Split.TRAIN)).hasSize(11);
    // Whole subjects: the parts are disjoint, so every subject has one split for all its images.
    assertThat(parts.get(Split.TRAIN))
        .doesNotContainAnyElementsOf(parts.get(Split.TEST))
        .doesNotContainAnyElementsOf(parts.get(Split.UNSEEN));
    assertThat(parts.get(Split.TEST)).doesNotContainAnyElementsOf(parts.get(Split.UNSEEN));
  }

  @Test
  void theSameSeedGivesTheSameSplitWhateverTheSampleOrderAndAnotherSeedAnother() {
    List<String> subjects = subjects();
    List<String> reversed = new ArrayList<>(subjects);
    Collections.reverse(reversed);
    Map<Split, Set<String>> a =
        bySplit(subjects, new SubjectSplit(0.2, 0.25, 7).complete(subjects, none(60)));
    Map<Split, Set<String>> again =
        bySplit(reversed, new SubjectSplit(0.2, 0.25, 7).complete(reversed, none(60)));
    Map<Split, Set<String>> other =
        bySplit(subjects, new SubjectSplit(0.2, 0.25, 8).complete(subjects, none(60)));

    assertThat(again).isEqualTo(a);
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void declaredSplitsWithoutUnseenGetUnseenSubjectsCarvedFromTrainOnly() {
    List<String> subjects = subjects();
    List<Split> declared = new ArrayList<>();
    for (String s : subjects) {
      declared.add(s.compareTo("s15") >= 0 ? Split.TEST : Split.TRAIN);
    }
    List<Split> splits = new SubjectSplit(0.2, 0.2, 3).complete(subjects, declared);

    Map<Split, Set<String>> parts = bySplit(subjects, splits);
    assertThat(parts.get(Split.TEST)).containsExactlyInAnyOrder("s15", "s16", "s17", "s18", "s19");
    assertThat(parts.get(Split.UNSEEN))
        .hasSize(3)
        .doesNotContainAnyElementsOf(parts.get(Split.TEST));
    assertThat(parts.get(Split.TRAIN))
        .hasSize(12)
        .doesNotContainAnyElementsOf(parts.get(Split.UNSEEN));
  }

  @Test
  void declaredSplitsWithUnseenAreKept() {
    List<String> subjects = List.of("a", "b", "c");
    List<Split> declared = List.of(Split.TRAIN, Split.TEST, Split.UNSEEN);

    assertThat(new SubjectSplit(0.3, 0.3, 1).complete(subjects, declared)).isEqualTo(declared);
  }

  @Test
  void someDeclaredSplitsAndSomeMissingAreAnError() {
    List<Split> declared = Arrays.asList(Split.TRAIN, null, Split.TEST);

    assertThatThrownBy(
            () -> new SubjectSplit(0.2, 0.2, 1).complete(List.of("a", "b", "c"), declared))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("1 of 3 images have no split");
  }

  @Test
  void tooFewSubjectsForTheFractionsAreReported() {
    assertThatThrownBy(
            () -> new SubjectSplit(0.2, 0.2, 1).complete(List.of("a", "a", "b"), none(3)))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("2 subject(s) are too few for 1 unseen + 1 test subject(s)");
  }

  @Test
  void fractionsMustLeaveTrainingSubjects() {
    assertThatThrownBy(() -> new SubjectSplit(0.5, 0.5, 1))
        .hasMessageContaining("must leave subjects for training");
    assertThatThrownBy(() -> new SubjectSplit(-0.1, 0.2, 1))
        .hasMessageContaining("test fraction must be in [0,1)");
  }
}
