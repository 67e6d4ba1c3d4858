package io.lethe.bench.unlearning;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.List;

/** Tiny in-memory datasets: subjects of 5 one-pixel images, per split. */
final class TestDatasets {
  private TestDatasets() {}

  static ImageDataset withSubjects(int train, int validation, int test, int unseen) {
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    add(samples, pixels, "tr", train, Split.TRAIN);
    add(samples, pixels, "va", validation, Split.VALIDATION);
    add(samples, pixels, "te", test, Split.TEST);
    add(samples, pixels, "un", unseen, Split.UNSEEN);
    return new ImageDataset(
        "tiny", LabelSchema.singleLabel(List.of("a", "b")), 1, 1, samples, pixels);
  }

  private static void add(
      List<Sample> samples, List<byte[]> pixels, String prefix, int subjects, Split split) {
    for (int s = 0; s < subjects; s++) {
      for (int i = 0; i < 5; i++) {
        int index = samples.size();
        samples.add(
            new Sample(
                index, prefix + s + "-" + i, prefix + "-subject-" + s, new int[] {i % 2}, split));
        pixels.add(new byte[] {(byte) index});
      }
    }
  }
}
