package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  private static final String PATTERN = "^(S\\d+)_";

  @TempDir Path root;

  private Path png(String relative, Color color) throws IOException {
    BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 6, 6);
    g.dispose();
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  /** {@code prefix<class>/S00<p>_001_0000000<n>.png} for classes happy, anger, subjects 1..k. */
  private void faces(String prefix, int subjects) throws IOException {
    for (int p = 1; p <= subjects; p++) {
      png(prefix + "happy/S00" + p + "_001_00000001.png", Color.WHITE);
      png(prefix + "anger/S00" + p + "_001_00000002.png", Color.BLACK);
    }
  }

  private ImageFolderReader.Builder reader() {
    return ImageFolderReader.builder(root).optSide(4).optChannels(1);
  }

  @Test
  void classesAreTheSortedFolderNamesAndSubjectsComeFromTheFileNames() throws IOException {
    faces("", 2);
    png("neutral/S001_002_00000003.jpg", Color.GRAY);

    ImageDataset ds =
        reader()
            .optSubjectPattern(PATTERN)
            .optSubjectSplit(new SubjectSplit(0, 0, 1))
            .build()
            .read();

    assertThat(ds.labelSchema().names()).containsExactly("anger", "happy", "neutral");
    assertThat(ds.labelSchema().multiLabel()).isFalse();
    assertThat(ds.samples())
        .extracting(Sample::sampleId, Sample::subjectId, Sample::label, Sample::split)
        .containsExactly(
            tuple("anger/S001_001_00000002.png", "S001", 0, Split.TRAIN),
            tuple("anger/S002_001_00000002.png", "S002", 0, Split.TRAIN),
            tuple("happy/S001_001_00000001.png", "S001", 1, Split.TRAIN),
            tuple("happy/S002_001_00000001.png", "S002", 1, Split.TRAIN),
            tuple("neutral/S001_002_00000003.jpg", "S001", 2, Split.TRAIN));
    float[] px = new float[ds.imageSize()];
    ds.copyPixels(2, px, 0);
    assertThat(px).hasSize(16).containsOnly(1f); // happy is white, read as 4x4 grey
    ds.copyPixels(0, px, 0);
    assertThat(px).containsOnly(0f);
  }

  @Test
  void withoutSplitFoldersWholeSubjectsAreSplitBySeed() throws IOException {
    faces("", 8);

    ImageDataset ds =
        reader()
            .optSubjectPattern(PATTERN)
            .optSubjectSplit(new SubjectSplit(0.25, 0.25, 5))
            .build()
            .read();

    for (Split split : List.of(Split.TRAIN, Split.TEST, Split.UNSEEN)) {
      Set<String> subjects = UnlearningSplit.subjects(ds, split);
      assertThat(subjects).as(split.name()).hasSize(split == Split.TRAIN ? 4 : 2);
      // both images of a subject are in the same split
      assertThat(ds.samples().stream().filter(s -> subjects.contains(s.subjectId())))
          .allMatch(s -> s.split() == split);
    }
  }

  @Test
  void splitFoldersAreDetectedAndUnseenSubjectsCarvedFromTrain() throws IOException {
    faces("train/", 4);
    png("test/happy/S009_001_00000001.png", Color.WHITE);
    png("test/anger/S009_001_00000002.png", Color.BLACK);
    Files.writeString(root.resolve("README.txt"), "files beside the folders are ignored");

    ImageDataset ds =
        reader()
            .optSubjectPattern(PATTERN)
            .optSubjectSplit(new SubjectSplit(0.5, 0.25, 5))
            .build()
            .read();

    assertThat(ds.labelSchema().names()).containsExactly("anger", "happy");
    assertThat(ds.sample(0).sampleId()).isEqualTo("test/anger/S009_001_00000002.png");
    assertThat(UnlearningSplit.subjects(ds, Split.TEST)).containsExactly("S009");
    assertThat(UnlearningSplit.subjects(ds, Split.UNSEEN)).hasSize(1);
    assertThat(UnlearningSplit.subjects(ds, Split.TRAIN)).hasSize(3);
  }

  @Test
  void explicitSplitFoldersReadOnlyThoseFolders() throws IOException {
    faces("train/", 2);
    faces("unseen/", 1);
    faces("extra/", 1);

    ImageDataset ds =
        reader()
            .optSubjectPattern(PATTERN)
            .optSplitFolders(List.of("train", "unseen"))
            .build()
            .read();

    assertThat(ds.samples().stream().map(Sample::split).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(Split.TRAIN, Split.UNSEEN);
    assertThat(ds.size()).isEqualTo(6);
  }

  @Test
  void withoutAPatternEveryImageIsItsOwnSubjectAndHiddenFilesAreSkipped() throws IOException {
    faces("", 1);
    Files.writeString(root.resolve("happy/.DS_Store"), "x");

    ImageDataset ds = reader().optSubjectSplit(new SubjectSplit(0, 0, 1)).build().read();
    assertThat(ds.samples())
        .extracting(Sample::subjectId)
        .containsExactly("anger/S001_001_00000002.png", "happy/S001_001_00000001.png");
  }

  private void assertFails(ImageFolderReader.Builder b, String... fragments) {
    assertThatThrownBy(() -> b.build().read())
        .isInstanceOf(DatasetException.class)
        .message()
        .contains(fragments);
  }

  @Test
  void aFileNameNotMatchingThePatternIsReportedWithFileAndPattern() throws IOException {
    faces("", 1);
    png("happy/portrait.png", Color.WHITE);

    assertFails(
        reader().optSubjectPattern(PATTERN),
        "happy/portrait.png",
        "file name 'portrait.png' does not match subject pattern '^(S\\d+)_'");
  }

  @Test
  void noClassFoldersOrOnlyOneAreReported() throws IOException {
    assertFails(reader(), "has no class folders", "ROOT/<class>/<image>");
    png("happy/S001_1.png", Color.WHITE);
    assertFails(reader(), "only the class folder [happy]");
  }

  @Test
  void badFilesAndFoldersAreReported() throws IOException {
    faces("", 1);
    Files.writeString(root.resolve("happy/notes.txt"), "x");
    assertFails(reader(), "happy/notes.txt is not an image", "[png, jpg, jpeg, bmp, gif]");

    Files.delete(root.resolve("happy/notes.txt"));
    Files.createDirectories(root.resolve("happy/more"));
    assertFails(reader(), "unexpected folder", "happy/more");

    Files.delete(root.resolve("happy/more"));
    Files.createDirectories(root.resolve("sad"));
    assertFails(reader(), "class folder", "sad has no images");
  }

  @Test
  void anUndecodableImageIsReported() throws IOException {
    faces("", 1);
    Files.writeString(root.resolve("happy/S002_1.png"), "not a png");
    assertFails(
        reader().optSubjectSplit(new SubjectSplit(0, 0, 1)),
        "undecodable image",
        "happy/S002_1.png");
  }

  @Test
  void missingRootAndSplitFolderAndBadPatternAreReported() throws IOException {
    assertFails(ImageFolderReader.builder(root.resolve("nope")), "nope does not exist");
    faces("train/", 1);
    assertFails(
        reader().optSplitFolders(List.of("train", "test")), "split folder", "test does not exist");
    assertThatThrownBy(() -> reader().optSubjectPattern("S\\d+_"))
        .hasMessageContaining("exactly one capture group");
    assertThatThrownBy(() -> reader().optSubjectPattern("(S"))
        .hasMessageContaining("is not a valid regular expression");
  }
}
