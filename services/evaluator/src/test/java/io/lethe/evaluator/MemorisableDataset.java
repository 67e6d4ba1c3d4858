package io.lethe.evaluator;

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
 * A MUFAC-layout dataset that can only be memorised: every image is seeded noise with a random
 * label (classes a–d), so nothing generalises and a model trained long enough on it tells its
 * training samples from unseen ones by their loss. The loss attack on such a model has a clear
 * signal, which a version that changed nothing keeps.
 */
final class MemorisableDataset {
  private static final String CLASSES = "abcd";

  private MemorisableDataset() {}

  /** Writes train, test and unseen subjects of {@code perSubject} images; the manifests. */
  static List<String> write(
      Path dir, int side, int perSubject, int train, int test, int unseen, long seed) {
    try {
      Path images = Files.createDirectories(dir.resolve("images"));
      Random random = new Random(seed);
      List<String> manifests = new ArrayList<>();
      int person = 0;
      int[] counts = {train, test, unseen};
      String[] splits = {"train", "test", "unseen"};
      for (int s = 0; s < splits.length; s++) {
        StringBuilder csv = new StringBuilder("image_path,age_class\n");
        for (int p = 0; p < counts[s]; p++, person++) {
          for (int n = 0; n < perSubject; n++) {
            String file = String.format("p%04d_%d.png", person, n);
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < side; y++) {
              for (int x = 0; x < side; x++) {
                int g = random.nextInt(256);
                img.setRGB(x, y, (g << 16) | (g << 8) | g);
              }
            }
            ImageIO.write(img, "png", images.resolve(file).toFile());
            csv.append(file).append(',').append(CLASSES.charAt(random.nextInt(4))).append('\n');
          }
        }
        Path manifest = dir.resolve(splits[s] + ".csv");
        Files.writeString(manifest, csv);
        manifests.add(manifest + ":" + splits[s]);
      }
      return manifests;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
