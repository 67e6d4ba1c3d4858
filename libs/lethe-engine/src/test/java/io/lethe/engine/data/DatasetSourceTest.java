package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Split;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Describe → record → load: a source written to a checkpoint manifest (as {@link
 * DatasetSource#toMap()}) and read back loads the same dataset, so a worker or a later {@code
 * unlearn} reloads exactly what the model was trained on.
 */
class DatasetSourceTest {
  @TempDir Path dir;

  private void png(Path p, int grey) throws IOException {
    BufferedImage img = new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(grey, grey, grey));
    g.fillRect(0, 0, 5, 5);
    g.dispose();
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
  }

  private Path faces() throws IOException {
    Path root = dir.resolve("ck");
    String[] classes = {"anger", "happy", "sad"};
    for (int p = 1; p <= 8; p++) {
      for (int c = 0; c < classes.length; c++) {
        png(root.resolve(classes[c]).resolve(String.format("S%03d_001_%d.png", p, c)), 30 * p + c);
      }
    }
    return root;
  }

  private static DatasetSource roundTrip(DatasetSource source) {
    // As a checkpoint manifest stores it: a flat string map, kind included.
    Map<String, String> recorded = Map.copyOf(source.toMap());
    return DatasetSource.fromMap(recorded);
  }

  @Test
  void aFoldersSourceRoundTripsToTheSameDataset() throws IOException {
    DatasetSource source =
        DatasetSource.folders(
            faces(), "^(S\\d+)_", List.of(), new SubjectSplit(0.25, 0.25, 9), 4, 1);

    DatasetSource reloaded = roundTrip(source);
    ImageDataset ds = source.load();

    assertThat(reloaded).isEqualTo(source);
    assertThat(reloaded.load().fingerprint()).isEqualTo(ds.fingerprint());
    assertThat(ds.labelSchema().names()).containsExactly("anger", "happy", "sad");
    assertThat(ds.name()).isEqualTo("ck");
    // The seed is part of the record: another seed is another split, another fingerprint.
    DatasetSource otherSeed =
        DatasetSource.folders(
            dir.resolve("ck"), "^(S\\d+)_", List.of(), new SubjectSplit(0.25, 0.25, 10), 4, 1);
    assertThat(otherSeed.load().fingerprint()).isNotEqualTo(ds.fingerprint());
  }

  @Test
  void aCsvSourceWithOwnColumnsRoundTripsToTheSameDataset() throws IOException {
    Path root = faces();
    StringBuilder csv = new StringBuilder("path,emotion,who\n");
    try (var files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        String relative = root.relativize(p).toString().replace('\\', '/');
        csv.append(relative)
            .append(',')
            .append(p.getParent().getFileName())
            .append(',')
            .append(p.getFileName().toString(), 0, 4)
            .append('\n');
      }
    }
    Path manifest = dir.resolve("faces.csv");
    Files.writeString(manifest, csv);
    CsvColumns columns =
        CsvColumns.builder("path", "emotion")
            .optLabelNames(List.of("anger", "happy", "sad"))
            .optSubjectColumn("who")
            .build();
    DatasetSource source =
        DatasetSource.csv(
            List.of(manifest.toString()), root, columns, new SubjectSplit(0.25, 0.25, 9), 4, 1);

    DatasetSource reloaded = roundTrip(source);
    ImageDataset ds = source.load();

    assertThat(reloaded).isEqualTo(source);
    assertThat(reloaded.load().fingerprint()).isEqualTo(ds.fingerprint());
    assertThat(ds.labelSchema().names()).containsExactly("anger", "happy", "sad");
    assertThat(UnlearningSplit.subjects(ds, Split.UNSEEN)).hasSize(2);
    // Same images, labels, subjects and seed as the folders source: the same dataset, except for
    // the sample ids, which are the paths either way.
    ImageDataset folders =
        DatasetSource.folders(root, "^(S\\d+)_", List.of(), new SubjectSplit(0.25, 0.25, 9), 4, 1)
            .load();
    assertThat(folders.fingerprint()).isEqualTo(ds.fingerprint());
  }

  @Test
  void presetSourcesRecordTheSameOptionsAsBefore() {
    DatasetSource mufac =
        DatasetSource.csv(List.of("train.csv:train"), Path.of("imgs"), "mufac", 64, 3);

    assertThat(mufac.toMap().keySet())
        .containsExactlyInAnyOrder("kind", "manifests", "images", "format", "side", "channels");
  }
}
