package io.lethe.engine.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Decodes image files for the readers: ImageIO (PNG, JPEG, BMP, GIF), converted to the requested
 * channels and resized to {@code side x side} (see {@link Pixels}), in parallel. The first failure
 * in file order fails the whole read, naming where the file was listed.
 */
final class ImageFiles {
  /** File extensions ImageIO decodes out of the box, lower case. */
  static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

  private ImageFiles() {}

  /** The readers' {@code optChannels}: 1 (grey, BT.601 luma) or 3 (RGB). */
  static int requireChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    return channels;
  }

  /** The readers' {@code optSide}: images are resized to {@code side x side}. */
  static int requireSide(int side) {
    if (side < 1) {
      throw new IllegalArgumentException("side must be at least 1, got " + side);
    }
    return side;
  }

  /** One image to decode and where it was listed (a manifest line or a folder), for errors. */
  record Source(Path file, String where) {}

  /** CHW bytes of every source, in order. */
  static List<byte[]> decodeAll(List<Source> sources, int channels, int side) {
    String[] errors = new String[sources.size()];
    byte[][] images = new byte[sources.size()][];
    IntStream.range(0, sources.size())
        .parallel()
        .forEach(
            i -> {
              try {
                images[i] = decode(sources.get(i), channels, side);
              } catch (DatasetException e) {
                errors[i] = e.getMessage();
              }
            });
    for (String error : errors) {
      if (error != null) {
        throw new DatasetException(error);
      }
    }
    return List.of(images);
  }

  /** Whether {@code fileName} has one of the {@link #EXTENSIONS}, ignoring case. */
  static boolean isImage(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0
        && EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
  }

  private static byte[] decode(Source s, int channels, int side) {
    BufferedImage img;
    try {
      img = ImageIO.read(s.file().toFile());
    } catch (IOException | RuntimeException ex) {
      throw new DatasetException(
          s.where() + ": undecodable image " + s.file() + " (" + ex.getMessage() + ")", ex);
    }
    if (img == null) {
      throw new DatasetException(
          s.where() + ": undecodable image " + s.file() + " (no ImageIO reader for its format)");
    }
    byte[] chw = Pixels.toChw(img, channels);
    return Pixels.resize(chw, channels, img.getHeight(), img.getWidth(), side);
  }
}
