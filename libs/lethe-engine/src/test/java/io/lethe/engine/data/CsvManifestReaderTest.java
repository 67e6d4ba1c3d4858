package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.data.CsvManifestReader.Manifest;
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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvManifestReaderTest {
  @TempDir Path root;

  private Path png(String relative, Color color, int size) throws IOException {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, size, size);
    g.dispose();
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  private Path csv(String name, String... lines) throws IOException {
    Path p = root.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  private static float[] pixels(ImageDataset ds, int index) {
    float[] px = new float[ds.imageSize()];
    ds.copyPixels(index, px, 0);
    return px;
  }

  @Test
  void readsMufacStyleManifestsPerSplitWithIdentityFromTheFileName() throws IOException {
    png("train_images/p01_1.png", new Color(255, 0, 0), 8);
    png("train_images/p01_2.png", new Color(0, 255, 0), 8);
    png("train_images/p02_1.png", new Color(0, 0, 255), 8);
    png("test_images/p09_1.png", Color.WHITE, 8);
    Path train =
        csv("train.csv", "image_path,age_class", "p01_1.png,a", "p01_2.png,h", "p02_1.png,c");
    Path test = csv("test.csv", "image_path,age_class", "p09_1.png,d");

    ImageDataset ds =
        CsvManifestReader.builder(CsvManifestFormat.mufac())
            .optName("mufac")
            .optSide(4)
            .build()
            .read(
                List.of(
                    Manifest.of(train, root.resolve("train_images"), Split.TRAIN),
                    Manifest.of(test, root.resolve("test_images"), Split.TEST)));

    assertThat(ds.name()).isEqualTo("mufac");
    assertThat(ds.size()).isEqualTo(4);
    assertThat(ds.labelSchema().numOutputs()).isEqualTo(8);
    assertThat(ds.samples())
        .extracting(Sample::sampleId, Sample::subjectId, Sample::label, Sample::split)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("p01_1.png", "p01", 0, Split.TRAIN),
            org.assertj.core.groups.Tuple.tuple("p01_2.png", "p01", 7, Split.TRAIN),
            org.assertj.core.groups.Tuple.tuple("p02_1.png", "p02", 2, Split.TRAIN),
            org.assertj.core.groups.Tuple.tuple("p09_1.png", "p09", 3, Split.TEST));
    float[] red = pixels(ds, 0);
    assertThat(red).hasSize(3 * 16);
    assertThat(java.util.Arrays.copyOfRange(red, 0, 16)).containsOnly(1f);
    assertThat(java.util.Arrays.copyOfRange(red, 16, 48)).containsOnly(0f);
  }

  @Test
  void readsMultiLabelAttributesWithSubjectAndSplitColumns() throws IOException {
    png("img/a.png", Color.GRAY, 6);
    png("img/b.png", Color.GRAY, 6);
    png("img/c.png", Color.GRAY, 6);
    Path m =
        csv(
            "mucac.csv",
            "image_path,identity,gender,age,smiling,split",
            "img/a.png,17,1,0,1,train",
            "img/b.png,17,-1,true,false,val",
            "img/c.png,42,0,1,0,unseen");

    ImageDataset ds =
        CsvManifestReader.builder(CsvManifestFormat.mucacBuilder().optSplitColumn("split").build())
            .optSide(6)
            .build()
            .read(Manifest.of(m, root));

    assertThat(ds.labelSchema().multiLabel()).isTrue();
    assertThat(ds.labelSchema().names()).containsExactly("gender", "age", "smiling");
    assertThat(ds.sample(0).labels()).containsExactly(1, 0, 1);
    assertThat(ds.sample(1).labels()).containsExactly(0, 1, 0);
    assertThat(ds.samples()).extracting(Sample::subjectId).containsExactly("17", "17", "42");
    assertThat(ds.samples())
        .extracting(Sample::split)
        .containsExactly(Split.TRAIN, Split.VALIDATION, Split.UNSEEN);
  }

  @Test
  void rafDbLabelsOneToSevenBecomeZeroToSixAndEachImageIsItsOwnSubject() throws IOException {
    png("train_00001.png", Color.BLACK, 4);
    png("train_00002.png", Color.BLACK, 4);
    Path m = csv("raf.csv", "image,label", "train_00001.png,1", "train_00002.png,7");

    ImageDataset ds =
        CsvManifestReader.builder(CsvManifestFormat.rafDb())
            .optSide(4)
            .build()
            .read(Manifest.of(m, root, Split.TRAIN));

    assertThat(ds.samples()).extracting(Sample::label).containsExactly(0, 6);
    assertThat(ds.labelSchema().names().get(6)).isEqualTo("neutral");
    assertThat(ds.samples())
        .extracting(Sample::subjectId)
        .containsExactly("train_00001.png", "train_00002.png");
  }

  @Test
  void convertsColourToGreyAndKeepsGreyPngValuesExact() throws IOException {
    png("rgb.png", new Color(200, 100, 50), 4);
    BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        grey.getRaster().setSample(x, y, 0, 100);
      }
    }
    ImageIO.write(grey, "png", root.resolve("grey.png").toFile());
    Path m = csv("m.csv", "file,cls", "rgb.png,0", "grey.png,1");
    CsvManifestFormat format =
        CsvManifestFormat.builder("file")
            .optLabelColumn("cls")
            .optClassNames(List.of("x", "y"))
            .build();

    ImageDataset greyOut =
        CsvManifestReader.builder(format)
            .optChannels(1)
            .optSide(4)
            .build()
            .read(Manifest.of(m, root, Split.TRAIN));
    ImageDataset rgbOut =
        CsvManifestReader.builder(format)
            .optChannels(3)
            .optSide(4)
            .build()
            .read(Manifest.of(m, root, Split.TRAIN));

    int luma = Math.round(0.299f * 200 + 0.587f * 100 + 0.114f * 50);
    assertThat(pixels(greyOut, 0)).containsOnly(luma / 255f);
    assertThat(pixels(greyOut, 1)).containsOnly(100 / 255f);
    assertThat(pixels(rgbOut, 1)).hasSize(48).containsOnly(100 / 255f);
  }

  @Test
  void resizesBilinearlyToTheRequestedSide() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 0);
    img.getRaster().setSample(1, 0, 0, 200);
    ImageIO.write(img, "png", root.resolve("ramp.png").toFile());
    Path m = csv("m.csv", "f,l", "ramp.png,0");
    CsvManifestFormat format =
        CsvManifestFormat.builder("f").optLabelColumn("l").optClassNames(List.of("x", "y")).build();

    ImageDataset ds =
        CsvManifestReader.builder(format)
            .optChannels(1)
            .optSide(4)
            .build()
            .read(Manifest.of(m, root, Split.TRAIN));

    float[] row = java.util.Arrays.copyOfRange(pixels(ds, 0), 0, 4);
    assertThat(row).containsExactly(0f, 50 / 255f, 150 / 255f, 200 / 255f);
  }

  private void assertFails(CsvManifestFormat format, Manifest manifest, String... fragments) {
    var assertion =
        assertThatThrownBy(
                () -> CsvManifestReader.builder(format).optSide(4).build().read(manifest))
            .isInstanceOf(DatasetException.class);
    for (String f : fragments) {
      assertion.hasMessageContaining(f);
    }
  }

  @Test
  void missingColumnIsReportedWithTheHeader() throws IOException {
    Path m = csv("m.csv", "image_path,age", "p01_1.png,a");

    assertFails(
        CsvManifestFormat.mufac(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 1: missing column 'age_class'",
        "[image_path, age]");
  }

  @Test
  void unknownLabelValueIsReportedWithLine() throws IOException {
    png("p01_1.png", Color.RED, 4);
    png("p01_2.png", Color.RED, 4);
    Path m = csv("m.csv", "image_path,age_class", "p01_1.png,a", "p01_2.png,z");

    assertFails(
        CsvManifestFormat.mufac(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 3: unknown label value 'z' in column 'age_class'");
  }

  @Test
  void outOfRangeClassIndexIsReported() throws IOException {
    png("a.png", Color.RED, 4);
    Path m = csv("m.csv", "f,l", "a.png,2");
    CsvManifestFormat format =
        CsvManifestFormat.builder("f").optLabelColumn("l").optClassNames(List.of("x", "y")).build();

    assertFails(
        format, Manifest.of(m, root, Split.TRAIN), "line 2: unknown label value '2'", "[0,2)");
  }

  @Test
  void unknownAttributeValueIsReported() throws IOException {
    png("a.png", Color.RED, 4);
    Path m = csv("m.csv", "image_path,identity,gender,age,smiling", "a.png,1,1,maybe,0");

    assertFails(
        CsvManifestFormat.mucac(),
        Manifest.of(m, root, Split.TRAIN),
        "line 2: unknown label value 'maybe' in attribute column 'age'");
  }

  @Test
  void missingImageFileIsReported() throws IOException {
    Path m = csv("m.csv", "image_path,age_class", "p01_1.png,a");

    assertFails(
        CsvManifestFormat.mufac(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 2: missing image file",
        "p01_1.png");
  }

  @Test
  void undecodableImageIsReported() throws IOException {
    png("p01_1.png", Color.RED, 4);
    Files.writeString(root.resolve("p02_1.png"), "not an image");
    Path m = csv("m.csv", "image_path,age_class", "p01_1.png,a", "p02_1.png,b");

    assertFails(
        CsvManifestFormat.mufac(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 3: undecodable image",
        "p02_1.png");
  }

  @Test
  void fileNameNotMatchingTheSubjectPatternIsReported() throws IOException {
    png("noprefix.png", Color.RED, 4);
    Path m = csv("m.csv", "image_path,age_class", "noprefix.png,a");

    assertFails(
        CsvManifestFormat.mufac(),
        Manifest.of(m, root, Split.TRAIN),
        "line 2: file name 'noprefix.png' does not match subject pattern '^([^_]+)_'");
  }

  @Test
  void badSplitValueIsReported() throws IOException {
    png("a.png", Color.RED, 4);
    Path m = csv("m.csv", "image,label,split", "a.png,1,holdout");

    assertFails(
        CsvManifestFormat.rafDbBuilder().optSplitColumn("split").build(),
        Manifest.of(m, root),
        "m.csv line 2: unknown split 'holdout'");
  }

  @Test
  void manifestWithoutSplitSourceIsReported() throws IOException {
    Path m = csv("m.csv", "image,label", "a.png,1");

    assertFails(CsvManifestFormat.rafDb(), Manifest.of(m, root), "has no fixed split");
  }

  @Test
  void rowWithTheWrongNumberOfFieldsIsReported() throws IOException {
    Path m = csv("m.csv", "image,label", "a.png,1,extra");

    assertFails(
        CsvManifestFormat.rafDb(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 2: 3 fields but the header has 2");
  }

  @Test
  void duplicateImageIsReportedWithBothLines() throws IOException {
    png("a.png", Color.RED, 4);
    Path m = csv("m.csv", "image,label", "a.png,1", "a.png,2");

    assertFails(
        CsvManifestFormat.rafDb(),
        Manifest.of(m, root, Split.TRAIN),
        "m.csv line 3: image 'a.png' is already listed at",
        "m.csv line 2");
  }

  @Test
  void formatRejectsInconsistentOptions() {
    assertThatThrownBy(() -> CsvManifestFormat.builder("f").build())
        .hasMessageContaining("exactly one of optLabelColumn");
    assertThatThrownBy(
            () ->
                CsvManifestFormat.builder("f")
                    .optLabelColumn("l")
                    .optClassNames(List.of("a", "b"))
                    .optSubjectPattern("^[a-z]+")
                    .build())
        .hasMessageContaining("exactly one capture group");
    assertThatThrownBy(() -> CsvManifestFormat.builder("f").optLabelColumn("l").build())
        .hasMessageContaining("needs optClassNames or optLabelMapping");
  }
}
