package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads the real Fashion-MNIST installed by the Debian package {@code dataset-fashion-mnist}. Not
 * skipped when absent: the reader's error then says to run {@code apt-get install
 * dataset-fashion-mnist}, which is what CI must do.
 */
class FashionMnistTest {
  @Test
  void fullDatasetHas60000TrainPoolAnd10000TestImagesOfTenClasses() throws IOException {
    ImageDataset ds =
        IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR).build().read();

    assertThat(ds.size()).isEqualTo(70000);
    assertThat(Indices.ofSplit(ds, Split.TEST)).hasSize(10000);
    assertThat(ds.samples().stream().filter(s -> s.split() != Split.TEST)).hasSize(60000);
    assertThat(ds.labelSchema().numOutputs()).isEqualTo(10);
    assertThat(ds.labelSchema().names().get(9)).isEqualTo("Ankle boot");
    assertThat(ds.side()).isEqualTo(28);
    assertThat(ds.channels()).isEqualTo(1);
    // Fashion-MNIST's first training image is an ankle boot, its first test image too.
    assertThat(ds.sample(0).sampleId()).isEqualTo("fmnist-train-00000");
    assertThat(ds.sample(0).label()).isEqualTo(9);
    assertThat(ds.sample(60000).sampleId()).isEqualTo("fmnist-test-00000");
    assertThat(ds.sample(60000).label()).isEqualTo(9);
  }

  @Test
  void trainLimitOf2000GivesABalancedSubsetWithUnseenSubjects() throws IOException {
    ImageDataset ds =
        IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR)
            .optTrainLimit(2000)
            .optTestLimit(500)
            .optSamplesPerSubject(20)
            .optSeed(42)
            .build()
            .read();

    Map<Integer, Long> perClass =
        ds.samples().stream()
            .filter(s -> s.split() != Split.TEST)
            .collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
    assertThat(perClass).hasSize(10).allSatisfy((c, n) -> assertThat(n).isEqualTo(200L));
    assertThat(Indices.ofSplit(ds, Split.TEST)).hasSize(500);
    assertThat(UnlearningSplit.subjects(ds, Split.TRAIN)).hasSize(80);
    assertThat(UnlearningSplit.subjects(ds, Split.UNSEEN)).hasSize(20);
    float[] px = new float[ds.imageSize()];
    ds.copyPixels(0, px, 0);
    double mean = 0;
    for (float v : px) {
      mean += v;
    }
    assertThat(mean / px.length).isBetween(0.01, 0.99);
  }
}
