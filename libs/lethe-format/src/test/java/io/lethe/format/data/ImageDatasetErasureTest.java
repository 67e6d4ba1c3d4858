package io.lethe.format.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageDatasetErasureTest {
  private static ImageDataset dataset() {
    String[][] rows = {
      {"a", "TRAIN"},
      {"a", "TRAIN"},
      {"a", "VALIDATION"},
      {"b", "TRAIN"},
      {"c", "TRAIN"},
      {"u", "UNSEEN"}
    };
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      samples.add(
          new Sample(i, "img" + i, rows[i][0], new int[] {i % 2}, Split.valueOf(rows[i][1])));
      pixels.add(new byte[] {(byte) (10 + i)});
    }
    return new ImageDataset(
        "toy", LabelSchema.singleLabel(List.of("x", "y")), 1, 1, samples, pixels);
  }

  @Test
  void erasingRemovesEverySampleOfTheSubjectsButKeepsTheIdentity() {
    ImageDataset original = dataset();

    ImageDataset erased = original.erase(Set.of("a"));

    assertThat(erased.samples()).extracting(Sample::subjectId).containsExactly("b", "c", "u");
    assertThat(erased.samples()).extracting(Sample::index).containsExactly(0, 1, 2);
    assertThat(erased.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(erased.contentFingerprint()).isNotEqualTo(original.fingerprint());
    assertThat(erased.erasedSubjects()).containsExactly("a");
    float[] px = new float[1];
    erased.copyPixels(0, px, 0);
    assertThat(px[0]).isEqualTo(13 / 255f);
  }

  @Test
  void erasuresAccumulateAndRebuiltContentTakesTheOriginalIdentity() {
    ImageDataset original = dataset();
    ImageDataset twice = original.erase(Set.of("a")).erase(Set.of("b"));

    ImageDataset rebuilt =
        ImageDataset.erasureOf(
            new ImageDataset(
                "toy",
                original.labelSchema(),
                1,
                1,
                twice.samples(),
                twice.samples().stream()
                    .map(s -> new byte[] {(byte) (s.sampleId().charAt(3) - '0' + 10)})
                    .toList()),
            original.fingerprint(),
            Set.of("a", "b"));

    assertThat(twice.erasedSubjects()).containsExactlyInAnyOrder("a", "b");
    assertThat(twice.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(rebuilt.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(rebuilt.contentFingerprint()).isEqualTo(twice.contentFingerprint());
  }

  @Test
  void withoutSubjectsAcceptsErasedSubjectsAsAlreadyRemovedButNotUnknownOnes() {
    ImageDataset erased = dataset().erase(Set.of("a"));

    ImageDataset retain = erased.withoutSubjects(Set.of("a", "b"));

    assertThat(retain.samples()).extracting(Sample::subjectId).containsExactly("c", "u");
    assertThatThrownBy(() -> erased.withoutSubjects(Set.of("zz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 of the 1 subject(s) have no TRAIN samples")
        .hasMessageNotContaining("zz");
  }
}
