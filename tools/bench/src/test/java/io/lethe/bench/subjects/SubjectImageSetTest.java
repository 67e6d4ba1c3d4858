package io.lethe.bench.subjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.ImageFolderReader;
import io.lethe.engine.data.SubjectSplit;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subject-level set: seeded, in the folders layout, one persistent style per subject. */
class SubjectImageSetTest {
  private static ImageDataset source;

  @BeforeAll
  static void readFashionMnist() throws IOException {
    source =
        IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR)
            .optTrainLimit(600)
            .optSeed(1)
            .build()
            .read();
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void theSameSeedWritesTheSameBytesAndTheFoldersReaderFindsEverySubject(
      @TempDir Path a, @TempDir Path b) throws IOException {
    assertThat(new SubjectImageSet(source, 10, 4, 7, 32, 5).write(a)).isEqualTo(40);
    new SubjectImageSet(source, 10, 4, 7, 32, 5).write(b);

    List<Path> fa = files(a);
    assertThat(fa).hasSize(40);
    for (Path f : fa) {
      assertThat(f.getFileName().toString()).matches("S\\d{3}_\\d{3}\\.png");
      assertThat(Files.readAllBytes(f)).isEqualTo(Files.readAllBytes(b.resolve(a.relativize(f))));
    }
    ImageDataset read =
        ImageFolderReader.builder(a)
            .optChannels(1)
            .optSide(32)
            .optSubjectPattern("^(S\\d+)_")
            .optSubjectSplit(new SubjectSplit(0.2, 0.2, 1))
            .build()
            .read();
    Map<String, List<Sample>> bySubject =
        read.samples().stream().collect(Collectors.groupingBy(Sample::subjectId));
    assertThat(bySubject).hasSize(10).allSatisfy((s, images) -> assertThat(images).hasSize(4));
    assertThat(read.labelSchema().numOutputs()).isEqualTo(7);
  }

  @Test
  void aSubjectsImagesOfOneClassAreCloserToEachOtherThanToAnotherSubjectsOfThatClass(
      @TempDir Path out) throws IOException {
    // The property that makes forgetting a subject mean forgetting a style: persistent identity.
    new SubjectImageSet(source, 12, 16, 2, 32, 3).write(out);
    ImageDataset read =
        ImageFolderReader.builder(out)
            .optChannels(1)
            .optSide(32)
            .optSubjectPattern("^(S\\d+)_")
            .optSubjectSplit(new SubjectSplit(0.2, 0.2, 1))
            .build()
            .read();
    double within = 0;
    double across = 0;
    int nw = 0;
    int na = 0;
    for (int i = 0; i < read.size(); i++) {
      for (int j = i + 1; j < read.size(); j++) {
        Sample x = read.sample(i);
        Sample y = read.sample(j);
        if (x.label() != y.label()) {
          continue;
        }
        double d = distance(read, i, j);
        if (x.subjectId().equals(y.subjectId())) {
          within += d;
          nw++;
        } else {
          across += d;
          na++;
        }
      }
    }
    assertThat(nw).isPositive();
    assertThat(within / nw).isLessThan(0.7 * across / na); // measured: 0.57
  }

  @Test
  void badSizesAreRejected() {
    assertThatThrownBy(() -> new SubjectImageSet(source, 10, 4, 11, 32, 1))
        .hasMessageContaining("classes must be in [2, 10]");
    assertThatThrownBy(() -> new SubjectImageSet(source, 10, 4, 7, 20, 1))
        .hasMessageContaining("side must be at least the source's 28");
  }

  private static double distance(ImageDataset d, int i, int j) {
    float[] a = new float[d.imageSize()];
    float[] b = new float[d.imageSize()];
    d.copyPixels(i, a, 0);
    d.copyPixels(j, b, 0);
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += (a[k] - b[k]) * (a[k] - b[k]);
    }
    return Math.sqrt(s);
  }
}
