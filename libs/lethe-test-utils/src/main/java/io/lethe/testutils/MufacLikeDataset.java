package io.lethe.testutils;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small, learnable face-dataset stand-in in the MUFAC layout: one CSV per split with
 * columns {@code image_path,age_class} (classes a–h), PNG images named {@code <subject>_<n>.png} so
 * the identity is the file-name prefix. Each class draws a bright horizontal band at its own height
 * over seeded noise, so a small CNN learns it in a few epochs, and subjects carry a per-person
 * brightness offset so that their images really belong together.
 *
 * <p>Why: the real face sets (MUFAC, RAF-DB, MUCAC) cannot be downloaded here; this exercises the
 * same reading path, end to end, in seconds.
 */
public final class MufacLikeDataset {
  private static final String CLASSES = "abcdefgh";

  private final int classes;
  private final int side;
  private final int imagesPerSubject;
  private final long seed;

  /**
   * @param classes number of age classes used (2..8)
   * @param side image side in pixels
   * @param imagesPerSubject images per person
   */
  public MufacLikeDataset(int classes, int side, int imagesPerSubject, long seed) {
    if (classes < 2 || classes > 8) {
      throw new IllegalArgumentException("classes must be in [2, 8], got " + classes);
    }
    this.classes = classes;
    this.side = side;
    this.imagesPerSubject = imagesPerSubject;
    this.seed = seed;
  }

  /** The manifests written, as {@code file.csv:split} for the CLI's {@code --manifest}. */
  public record Written(Path imageRoot, List<String> manifests) {
    /**
     * The dataset options of the CLI and the benchmark ({@code --data csv --format mufac ...}) for
     * these files, read as {@code side}×{@code side} images with {@code channels} channels.
     */
    public List<String> dataOptions(int side, int channels) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--data",
                  "csv",
                  "--format",
                  "mufac",
                  "--images",
                  imageRoot.toString(),
                  "--side",
                  Integer.toString(side),
                  "--channels",
                  Integer.toString(channels)));
      for (String m : manifests) {
        args.addAll(List.of("--manifest", m));
      }
      return args;
    }
  }

  /** Writes {@code trainSubjects}, {@code testSubjects} and {@code unseenSubjects} people. */
  public Written write(Path dir, int trainSubjects, int testSubjects, int unseenSubjects) {
    try {
      Path images = Files.createDirectories(dir.resolve("images"));
      Random random = new Random(seed);
      List<String> manifests = new ArrayList<>();
      int person = 0;
      int[] counts = {trainSubjects, testSubjects, unseenSubjects};
      String[] splits = {"train", "test", "unseen"};
      for (int s = 0; s < splits.length; s++) {
        StringBuilder csv = new StringBuilder("image_path,age_class\n");
        for (int p = 0; p < counts[s]; p++, person++) {
          String subject = String.format("p%04d", person);
          double offset = random.nextDouble() * 0.2;
          for (int n = 0; n < imagesPerSubject; n++) {
            int label = random.nextInt(classes);
            String file = subject + "_" + n + ".png";
            ImageIO.write(image(label, offset, random), "png", images.resolve(file).toFile());
            csv.append(file).append(',').append(CLASSES.charAt(label)).append('\n');
          }
        }
        Path manifest = dir.resolve(splits[s] + ".csv");
        Files.writeString(manifest, csv);
        manifests.add(manifest + ":" + splits[s]);
      }
      return new Written(images, manifests);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BufferedImage image(int label, double offset, Random random) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int bandTop = label * side / classes;
    int bandHeight = Math.max(1, side / classes);
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
