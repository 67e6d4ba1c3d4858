package io.lethe.registry.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code images.bin} of a dataset snapshot: every image in one object, so that uploading 10,000
 * small images is one request instead of 10,000. Layout (big-endian): the magic {@code LETHEIMG},
 * then {@code int32} format (1), count, channels, side; then {@code count} images of {@code
 * channels*side*side} unsigned bytes (CHW), in {@code samples.csv} order. The header repeats the
 * shape so that a file paired with the wrong {@code samples.csv} fails loudly.
 */
final class PackedImages {
  private static final byte[] MAGIC = {'L', 'E', 'T', 'H', 'E', 'I', 'M', 'G'};
  static final int FORMAT = 1;
  static final int HEADER_BYTES = MAGIC.length + 4 * 4;

  /** The decoded header and images. */
  record Unpacked(int channels, int side, List<byte[]> images) {}

  private PackedImages() {}

  static byte[] pack(int channels, int side, List<byte[]> images) {
    int size = channels * side * side;
    ByteBuffer out =
        ByteBuffer.allocate(Math.addExact(HEADER_BYTES, Math.multiplyExact(size, images.size())))
            .order(ByteOrder.BIG_ENDIAN);
    out.put(MAGIC).putInt(FORMAT).putInt(images.size()).putInt(channels).putInt(side);
    for (byte[] image : images) {
      if (image.length != size) {
        throw new IllegalArgumentException(
            "an image has " + image.length + " bytes, expected " + size);
      }
      out.put(image);
    }
    return out.array();
  }

  /**
   * @param where names the object in error messages
   * @throws IllegalArgumentException if the header or the length is wrong
   */
  static Unpacked unpack(byte[] bytes, String where) {
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException(where + ": " + bytes.length + " bytes, too short");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException(where + ": not a packed image file (bad magic)");
    }
    int format = in.getInt();
    if (format != FORMAT) {
      throw new IllegalArgumentException(where + ": format " + format + ", expected " + FORMAT);
    }
    int count = in.getInt();
    int channels = in.getInt();
    int side = in.getInt();
    if (count < 0 || channels < 1 || side < 1) {
      throw new IllegalArgumentException(
          where
              + ": bad header (count "
              + count
              + ", channels "
              + channels
              + ", side "
              + side
              + ")");
    }
    long size = (long) channels * side * side;
    if (bytes.length - HEADER_BYTES != size * count) {
      throw new IllegalArgumentException(
          where
              + ": "
              + (bytes.length - HEADER_BYTES)
              + " image bytes, expected "
              + count
              + " x "
              + size);
    }
    List<byte[]> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] image = new byte[(int) size];
      in.get(image);
      images.add(image);
    }
    return new Unpacked(channels, side, images);
  }
}
