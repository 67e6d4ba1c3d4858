package io.lethe.engine.unlearn.dlfd;

import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random 16×16 grey images with 4 random labels, subjects of 10 images: the first {@code train} are
 * TRAIN, the rest UNSEEN. Nothing to learn, which is all the DLFD mechanics tests need.
 */
final class RandomImageData {
  private RandomImageData() {}

  static ImageDataset dataset(int size, int train, long seed) {
    Random random = new Random(seed);
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Split split = i < train ? Split.TRAIN : Split.UNSEEN;
      samples.add(new Sample(i, "x" + i, "s" + (i / 10), new int[] {random.nextInt(4)}, split));
      byte[] img = new byte[16 * 16];
      random.nextBytes(img);
      pixels.add(img);
    }
    return new ImageDataset(
        "random", LabelSchema.singleLabel(List.of("a", "b", "c", "d")), 1, 16, samples, pixels);
  }

  /** Subjects s0 and s1 forgotten, the rest of TRAIN retained, UNSEEN as unseen. */
  static UnlearningData forgettingTwoSubjects(ImageDataset ds) {
    UnlearningSplit split = UnlearningSplit.of(ds, Set.of("s0", "s1"));
    return new UnlearningData(ds, split.forget(), split.retain(), split.unseen(), new int[0]);
  }
}
