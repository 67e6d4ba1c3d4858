package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeatureDistanceProbeTest {
  private static final int SIDE = 16;

  /** Indices 0–127 and 160–223 are random images; 128–159 are blank. */
  private static ImageDataset dataset() {
    Random random = new Random(3);
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < 224; i++) {
      byte[] image = new byte[SIDE * SIDE];
      if (i < 128 || i >= 160) {
        random.nextBytes(image);
      }
      samples.add(new Sample(i, "s" + i, "subject-" + i, new int[] {i % 2}, Split.TRAIN));
      pixels.add(image);
    }
    return new ImageDataset(
        "probe", LabelSchema.singleLabel(List.of("a", "b")), 1, SIDE, samples, pixels);
  }

  private static int[] range(int from, int to) {
    return IntStream.range(from, to).toArray();
  }

  @Test
  void aForgetSetUnlikeTheRetainSetIsFartherThanAnotherDrawOfTheRetainDistribution() {
    ImageDataset data = dataset();
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, SIDE, 2, Normalization.uniform(1, 0.5f, 0.25f));
    try (Classifier model = Classifier.create(spec, data.labelSchema(), 1)) {
      FeatureDistanceProbe.Distances d =
          new FeatureDistanceProbe(4, 16)
              .measure(
                  model,
                  data,
                  FeatureSource.EMBEDDING,
                  range(0, 128),
                  range(128, 160),
                  range(160, 224),
                  1);

      assertThat(d.batches()).isEqualTo(2); // 32 forget images make two batches of 16
      assertThat(d.retainToForget()).isGreaterThan(2 * d.retainToRetain());
      // Unseen images are drawn like retain images: about the floor, far below the blank set.
      assertThat(d.retainToUnseen()).isLessThan(d.retainToForget());
    }
  }

  @Test
  void smallSetsGetSmallerBatchesRatherThanNoProbe() {
    ImageDataset data = dataset();
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, SIDE, 2, Normalization.uniform(1, 0.5f, 0.25f));
    try (Classifier model = Classifier.create(spec, data.labelSchema(), 1)) {
      FeatureDistanceProbe.Distances d =
          new FeatureDistanceProbe(10, 32)
              .measure(
                  model,
                  data,
                  FeatureSource.LOGITS,
                  range(0, 12),
                  range(128, 134),
                  range(160, 170),
                  1);

      assertThat(d.batchSize()).isEqualTo(6);
      assertThat(d.batches()).isEqualTo(1);
      assertThat(d.retainToRetain()).isPositive().isFinite();
    }
  }
}
