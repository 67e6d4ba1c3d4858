package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetReaderTest {
  @TempDir Path dir;

  @Test
  void readsGzippedTrainAndPlainTestFilesWithStableIdsAndPixels() throws IOException {
    IdxFixtures.dataset(dir, 40, 12, 4, 10);

    ImageDataset ds = IdxDatasetReader.builder(dir).optSamplesPerSubject(4).build().read();

    assertThat(ds.size()).isEqualTo(52);
    assertThat(ds.channels()).isEqualTo(1);
    assertThat(ds.side()).isEqualTo(4);
    assertThat(ds.labelSchema().names()).isEqualTo(IdxDatasetReader.MNIST_CLASSES);
    Sample s7 = ds.sample(7);
    assertThat(s7.sampleId()).isEqualTo("mnist-train-00007");
    assertThat(s7.label()).isEqualTo(7);
    float[] px = new float[16];
    ds.copyPixels(7, px, 0);
    assertThat(px).containsOnly(7 / 255f);
    Sample t3 = ds.sample(43);
    assertThat(t3.sampleId()).isEqualTo("mnist-test-00003");
    assertThat(t3.split()).isEqualTo(Split.TEST);
    assertThat(t3.subjectId()).startsWith("t");
    ds.copyPixels(43, px, 0);
    assertThat(px).containsOnly(3 / 255f);
  }

  @Test
  void trainPoolIsSplitIntoTrainAndUnseenSubjectsAndTestHasItsOwnSubjects() throws IOException {
    IdxFixtures.dataset(dir, 100, 20, 2, 10);

    ImageDataset ds =
        IdxDatasetReader.builder(dir)
            .optSamplesPerSubject(10)
            .optUnseenSubjectFraction(0.3)
            .optSeed(5)
            .build()
            .read();

    Set<String> train = UnlearningSplit.subjects(ds, Split.TRAIN);
    Set<String> unseen = UnlearningSplit.subjects(ds, Split.UNSEEN);
    Set<String> test = UnlearningSplit.subjects(ds, Split.TEST);
    assertThat(train).hasSize(7).allMatch(s -> s.startsWith("s"));
    assertThat(unseen).hasSize(3).doesNotContainAnyElementsOf(train);
    assertThat(test).hasSize(2).allMatch(s -> s.startsWith("t"));
    assertThat(Indices.ofSplit(ds, Split.TEST)).hasSize(20);
  }

  @Test
  void validationFractionHoldsOutWholeSubjects() throws IOException {
    IdxFixtures.dataset(dir, 100, 10, 2, 10);

    ImageDataset ds =
        IdxDatasetReader.builder(dir)
            .optSamplesPerSubject(10)
            .optUnseenSubjectFraction(0.2)
            .optValidationSubjectFraction(0.2)
            .build()
            .read();

    Set<String> validation = UnlearningSplit.subjects(ds, Split.VALIDATION);
    assertThat(validation).hasSize(2);
    assertThat(validation)
        .doesNotContainAnyElementsOf(UnlearningSplit.subjects(ds, Split.TRAIN))
        .doesNotContainAnyElementsOf(UnlearningSplit.subjects(ds, Split.UNSEEN));
  }

  @Test
  void stratifiedLimitsKeepClassBalanceAndOriginalIds() throws IOException {
    IdxFixtures.dataset(dir, 200, 50, 2, 4);

    ImageDataset ds =
        IdxDatasetReader.builder(dir)
            .optClassNames(java.util.List.of("a", "b", "c", "d"))
            .optTrainLimit(40)
            .optTestLimit(8)
            .optSeed(3)
            .build()
            .read();

    Map<Integer, Long> trainCounts =
        ds.samples().stream()
            .filter(s -> s.split() != Split.TEST)
            .collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
    Map<Integer, Long> testCounts =
        ds.samples().stream()
            .filter(s -> s.split() == Split.TEST)
            .collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
    assertThat(trainCounts)
        .containsOnly(Map.entry(0, 10L), Map.entry(1, 10L), Map.entry(2, 10L), Map.entry(3, 10L));
    assertThat(testCounts)
        .containsOnly(Map.entry(0, 2L), Map.entry(1, 2L), Map.entry(2, 2L), Map.entry(3, 2L));
    for (Sample s : ds.samples()) {
      int original = Integer.parseInt(s.sampleId().substring(s.sampleId().lastIndexOf('-') + 1));
      assertThat(original % 4).isEqualTo(s.label());
    }
  }

  @Test
  void limitsDependOnTheSeed() throws IOException {
    IdxFixtures.dataset(dir, 200, 10, 2, 4);
    IdxDatasetReader.Builder b =
        IdxDatasetReader.builder(dir).optClassNames(java.util.List.of("a", "b", "c", "d"));

    ImageDataset one = b.optTrainLimit(20).optSeed(1).build().read();
    ImageDataset again = b.optSeed(1).build().read();
    ImageDataset other = b.optSeed(2).build().read();

    assertThat(again.fingerprint()).isEqualTo(one.fingerprint());
    assertThat(other.sample(0).sampleId()).isNotEqualTo(one.sample(0).sampleId());
  }

  @Test
  void resizesAndReplicatesChannelsOnRequest() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 4, 10);

    ImageDataset ds = IdxDatasetReader.builder(dir).optSide(8).optChannels(3).build().read();

    assertThat(ds.side()).isEqualTo(8);
    assertThat(ds.channels()).isEqualTo(3);
    float[] px = new float[ds.imageSize()];
    ds.copyPixels(5, px, 0);
    assertThat(px).hasSize(3 * 64).containsOnly(5 / 255f);
  }

  @Test
  void acceptsTheDottedMnistFileNames() throws IOException {
    IdxFixtures.write(dir.resolve("train-images.idx3-ubyte"), IdxFixtures.images(20, 2), false);
    IdxFixtures.write(dir.resolve("train-labels.idx1-ubyte"), IdxFixtures.labels(20, 10), false);
    IdxFixtures.write(dir.resolve("t10k-images.idx3-ubyte.gz"), IdxFixtures.images(5, 2), true);
    IdxFixtures.write(dir.resolve("t10k-labels.idx1-ubyte.gz"), IdxFixtures.labels(5, 10), true);

    assertThat(IdxDatasetReader.builder(dir).build().read().size()).isEqualTo(25);
  }

  @Test
  void missingFileNamesTheExpectedFilesAndTheInstallCommand() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));

    assertThatThrownBy(() -> IdxDatasetReader.builder(dir).build().read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("t10k-labels-idx1-ubyte.gz, t10k-labels-idx1-ubyte")
        .hasMessageContaining("apt-get install dataset-fashion-mnist");
  }

  @Test
  void badMagicNumberIsReportedWithTheFile() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);
    IdxFixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.images(5, 2), false);

    assertThatThrownBy(() -> IdxDatasetReader.builder(dir).build().read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("bad magic number 0x00000803")
        .hasMessageContaining("t10k-labels-idx1-ubyte");
  }

  @Test
  void imageAndLabelCountMismatchIsReported() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);
    IdxFixtures.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFixtures.labels(19, 10), true);

    assertThatThrownBy(() -> IdxDatasetReader.builder(dir).build().read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("count mismatch")
        .hasMessageContaining("holds 20 images")
        .hasMessageContaining("holds 19 labels");
  }

  @Test
  void truncatedFileIsReported() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);
    byte[] full = IdxFixtures.images(5, 2);
    IdxFixtures.write(
        dir.resolve("t10k-images-idx3-ubyte"),
        java.util.Arrays.copyOf(full, full.length - 3),
        false);

    assertThatThrownBy(() -> IdxDatasetReader.builder(dir).build().read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("count mismatch in")
        .hasMessageContaining("truncated");
  }

  @Test
  void labelOutsideTheClassNamesIsReported() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);

    assertThatThrownBy(
            () ->
                IdxDatasetReader.builder(dir)
                    .optClassNames(java.util.List.of("a", "b"))
                    .build()
                    .read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("label 2 of item 2");
  }

  @Test
  void limitLargerThanTheFileIsReported() throws IOException {
    IdxFixtures.dataset(dir, 20, 5, 2, 10);

    assertThatThrownBy(() -> IdxDatasetReader.builder(dir).optTrainLimit(21).build().read())
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("trainLimit 21 exceeds the 20 items");
  }
}
