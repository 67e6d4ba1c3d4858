package io.lethe.testutils;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small, learnable face-dataset stand-in in the class-folder layout, like CK+ sorted by
 * emotion: {@code ROOT/<class>/S<subject>_<session>_<frame>.png}, so the subject is the file-name
 * prefix ({@code ^(S\d+)_}). Every subject has images of every class in turn. Each class draws a
 * bright horizontal band at its own height over seeded noise (learnable in a few epochs), and
 * subjects carry a per-person brightness offset.
 */
public final class ClassFolderDataset {
  /** The subject pattern matching the written file names. */
  public static final String SUBJECT_PATTERN = "^(S\\d+)_";

  private final List<String> classes;
  private final int side;
  private final int imagesPerSubject;
  private final long seed;

  /**
   * @param classes class folder names (at least two)
   * @param side image side in pixels
   * @param imagesPerSubject images per person, spread over the classes in turn
   */
  public ClassFolderDataset(List<String> classes, int side, int imagesPerSubject, long seed) {
    if (classes.size() < 2) {
      throw new IllegalArgumentException("at least two classes, got " + classes);
    }
    this.classes = List.copyOf(classes);
    this.side = side;
    this.imagesPerSubject = imagesPerSubject;
    this.seed = seed;
  }

  /** The folder written. */
  public record Written(Path root) {
    /**
     * The dataset options of the CLI, the pipeline and the benchmark ({@code --format folders ...})
     * for these files, read as {@code side}×{@code side} images with {@code channels} channels.
     */
    public List<String> dataOptions(int side, int channels) {
      return List.of(
          "--format",
          "folders",
          "--images",
          root.toString(),
          "--subject-pattern",
          SUBJECT_PATTERN,
          "--side",
          Integer.toString(side),
          "--channels",
          Integer.toString(channels));
    }
  }

  /** Writes {@code subjects} people ({@code S001, S002, ...}) under {@code dir/faces}. */
  public Written write(Path dir, int subjects) {
    try {
      Path root = dir.resolve("faces");
      for (String c : classes) {
        Files.createDirectories(root.resolve(c));
      }
      Random random = new Random(seed);
      for (int p = 1; p <= subjects; p++) {
        double offset = random.nextDouble() * 0.2;
        for (int n = 0; n < imagesPerSubject; n++) {
          int label = (n + p) % classes.size();
          String file = String.format(Locale.ROOT, "S%03d_%03d_%08d.png", p, n / 3 + 1, n + 1);
          Path path = root.resolve(classes.get(label)).resolve(file);
          ImageIO.write(image(label, offset, random), "png", path.toFile());
        }
      }
      return new Written(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BufferedImage image(int label, double offset, Random random) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int bandTop = label * side / classes.size();
    int bandHeight = Math.max(1, side / classes.size());
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double v = 0.25 * random.nextDouble() + offset;
        if (y >= bandTop && y < bandTop + bandHeight) {
          v += 0.6;
        }
        int g = (int) Math.round(255 * Math.min(1, v));
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    return img;
  }
}
