package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnlearningSplitTest {
  /** Subjects a, b, c in TRAIN (a has 3 images, b 2, c 1), v in VALIDATION, t in TEST, u UNSEEN. */
  static ImageDataset dataset(boolean withUnseen) {
    String[][] rows = {
      {"a", "TRAIN"},
      {"b", "TRAIN"},
      {"a", "TRAIN"},
      {"t", "TEST"},
      {"c", "TRAIN"},
      {"v", "VALIDATION"},
      {"a", "TRAIN"},
      {"b", "TRAIN"},
      {withUnseen ? "u" : "t", withUnseen ? "UNSEEN" : "TEST"}
    };
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      samples.add(
          new Sample(i, "img" + i, rows[i][0], new int[] {i % 2}, Split.valueOf(rows[i][1])));
      pixels.add(new byte[] {(byte) i});
    }
    return new ImageDataset(
        "toy", LabelSchema.singleLabel(List.of("x", "y")), 1, 1, samples, pixels);
  }

  @Test
  void forgetHoldsEveryTrainSampleOfTheSubjectsAndRetainTheRest() {
    UnlearningSplit split = UnlearningSplit.of(dataset(true), Set.of("a", "c"));

    assertThat(split.forget()).containsExactly(0, 2, 4, 6);
    assertThat(split.retain()).containsExactly(1, 7);
    assertThat(split.test()).containsExactly(3);
    assertThat(split.validation()).containsExactly(5);
    assertThat(split.unseen()).containsExactly(8);
    assertThat(split.forgetSubjects()).containsExactly("a", "c");
  }

  @Test
  void unknownSubjectsAreCountedNotNamed() {
    assertThatThrownBy(() -> UnlearningSplit.of(dataset(true), Set.of("a", "zz", "t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 of the 3 subject(s) have no TRAIN samples")
        .hasMessageNotContaining("zz");
  }

  @Test
  void emptyForgetSetIsRejected() {
    assertThatThrownBy(() -> UnlearningSplit.of(dataset(true), Set.of()))
        .hasMessageContaining("forget set of toy would be empty");
  }

  @Test
  void datasetWithoutUnseenSamplesIsRejected() {
    assertThatThrownBy(() -> UnlearningSplit.of(dataset(false), Set.of("a")))
        .hasMessageContaining("toy has no UNSEEN samples");
  }

  @Test
  void subjectsListsTheDistinctSubjectsOfASplit() {
    assertThat(UnlearningSplit.subjects(dataset(true), Split.TRAIN)).containsExactly("a", "b", "c");
    assertThat(UnlearningSplit.subjects(dataset(true), Split.UNSEEN)).containsExactly("u");
  }

  @Test
  void pickSubjectsIsDeterministicPerSeedAndOnlyPicksTrainSubjects() {
    ImageDataset ds = dataset(true);

    Set<String> picked = UnlearningSplit.pickSubjects(ds, 2, 5);

    assertThat(UnlearningSplit.pickSubjects(ds, 2, 5)).isEqualTo(picked);
    assertThat(picked).hasSize(2).isSubsetOf("a", "b", "c");
    assertThat(
            java.util.stream.LongStream.range(0, 20)
                .mapToObj(seed -> UnlearningSplit.pickSubjects(ds, 1, seed))
                .distinct())
        .hasSizeGreaterThan(1);
    assertThatThrownBy(() -> UnlearningSplit.pickSubjects(ds, 4, 5))
        .hasMessageContaining("cannot pick 4 forget subjects: toy has 3 TRAIN subjects");
  }

  @Test
  void withoutSubjectsDropsTheirTrainSamplesAndReindexesDensely() {
    ImageDataset ds = dataset(true);

    ImageDataset next = ds.withoutSubjects(Set.of("a"));

    assertThat(next.size()).isEqualTo(6);
    assertThat(next.samples())
        .extracting(Sample::sampleId)
        .containsExactly("img1", "img3", "img4", "img5", "img7", "img8");
    assertThat(next.samples()).extracting(Sample::index).containsExactly(0, 1, 2, 3, 4, 5);
    float[] px = new float[1];
    next.copyPixels(4, px, 0);
    assertThat(px[0]).isEqualTo(7 / 255f);
    assertThat(next.fingerprint()).isNotEqualTo(ds.fingerprint());
    assertThat(UnlearningSplit.subjects(next, Split.TRAIN)).containsExactly("b", "c");
    assertThatThrownBy(() -> next.withoutSubjects(Set.of("a")))
        .hasMessageContaining("subject(s) have no TRAIN samples in toy")
        .hasMessageNotContaining("[a]");
  }
}
