package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.lethe.engine.data.CsvManifestReader.Manifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvColumnsTest {
  @TempDir Path root;

  private Path csv(String... lines) throws IOException {
    for (String line : lines) {
      String file = line.split(",")[0];
      if (file.endsWith(".png")) {
        ImageIO.write(
            new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY),
            "png",
            root.resolve(file).toFile());
      }
    }
    Path p = root.resolve("faces.csv");
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  private ImageDataset read(CsvColumns columns, Path csv) throws IOException {
    return CsvManifestReader.builder(columns.format(List.of(csv)))
        .optSide(4)
        .optChannels(1)
        .optSubjectSplit(new SubjectSplit(0, 0, 1))
        .build()
        .read(Manifest.of(csv, root));
  }

  @Test
  void classNamesAreTheLabelColumnsDistinctValuesSorted() throws IOException {
    Path csv =
        csv(
            "file,emotion,person",
            "a.png,surprise,p1",
            "b.png,anger,p1",
            "c.png,surprise,p2",
            "d.png,happy,p3");

    ImageDataset ds =
        read(CsvColumns.builder("file", "emotion").optSubjectColumn("person").build(), csv);

    assertThat(ds.labelSchema().names()).containsExactly("anger", "happy", "surprise");
    assertThat(ds.samples())
        .extracting(Sample::sampleId, Sample::subjectId, Sample::label, Sample::split)
        .containsExactly(
            tuple("a.png", "p1", 2, Split.TRAIN),
            tuple("b.png", "p1", 0, Split.TRAIN),
            tuple("c.png", "p2", 2, Split.TRAIN),
            tuple("d.png", "p3", 1, Split.TRAIN));
  }

  @Test
  void wholeNumberLabelsAreSortedNumerically() throws IOException {
    Path csv = csv("file,y", "a.png,10", "b.png,2", "c.png,1");

    CsvManifestFormat f = CsvColumns.builder("file", "y").build().format(List.of(csv));

    assertThat(f.labelSchema().names()).containsExactly("1", "2", "10");
    assertThat(f.labelMapping()).containsEntry("10", 2).containsEntry("1", 0);
  }

  @Test
  void labelNamesNameTheClassesAndAcceptNamesOrZeroBasedIndices() throws IOException {
    Path csv = csv("file,y,split", "S01_a.png,1,train", "S02_b.png,sad,test", "S03_c.png,0,unseen");

    ImageDataset ds =
        read(
            CsvColumns.builder("file", "y")
                .optLabelNames(List.of("happy", "neutral", "sad"))
                .optSubjectPattern("^(S\\d+)_")
                .optSplitColumn("split")
                .build(),
            csv);

    assertThat(ds.labelSchema().names()).containsExactly("happy", "neutral", "sad");
    assertThat(ds.samples())
        .extracting(Sample::subjectId, Sample::label, Sample::split)
        .containsExactly(
            tuple("S01", 1, Split.TRAIN),
            tuple("S02", 2, Split.TEST),
            tuple("S03", 0, Split.UNSEEN));
  }

  @Test
  void aValueOutsideTheLabelNamesIsReportedWithItsLine() throws IOException {
    Path csv = csv("file,y", "a.png,happy", "b.png,angry");
    CsvColumns columns =
        CsvColumns.builder("file", "y").optLabelNames(List.of("happy", "sad")).build();

    assertThatThrownBy(() -> read(columns, csv))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("line 3: unknown label value 'angry' in column 'y'");
  }

  @Test
  void aMissingColumnIsReportedWithTheColumnsPresent() throws IOException {
    Path csv = csv("path,emotion", "a.png,happy", "b.png,sad");

    assertThatThrownBy(() -> CsvColumns.builder("path", "label").build().format(List.of(csv)))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("missing column 'label' (header has [path, emotion])");
    assertThatThrownBy(() -> read(CsvColumns.builder("file", "emotion").build(), csv))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("missing column 'file' (header has [path, emotion])");
    assertThatThrownBy(
            () ->
                read(CsvColumns.builder("path", "emotion").optSubjectColumn("person").build(), csv))
        .hasMessageContaining("missing column 'person' (header has [path, emotion])");
  }

  @Test
  void aSingleClassAndConflictingOptionsAreRejected() throws IOException {
    Path csv = csv("file,y", "a.png,happy", "b.png,happy");
    assertThatThrownBy(() -> CsvColumns.builder("file", "y").build().format(List.of(csv)))
        .hasMessageContaining("1 distinct label value(s) [happy]");
    assertThatThrownBy(
            () ->
                CsvColumns.builder("file", "y")
                    .optSubjectColumn("p")
                    .optSubjectPattern("(x)")
                    .build())
        .hasMessageContaining("exclusive");
    assertThatThrownBy(() -> CsvColumns.builder("file", "y").optSubjectPattern("x").build())
        .hasMessageContaining("exactly one capture group");
    assertThatThrownBy(
            () -> CsvColumns.builder("file", "y").optLabelNames(List.of("a", "a")).build())
        .hasMessageContaining("distinct");
  }
}
