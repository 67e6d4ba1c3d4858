package io.lethe.engine.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * One IDX file (the container format of MNIST and Fashion-MNIST) holding unsigned bytes: a 4-byte
 * big-endian magic number {@code 0x0000 08 R} (type 0x08 = unsigned byte, R = number of
 * dimensions), R big-endian int32 dimensions, then the payload. Gzip compression is detected from
 * the content, not the file name, so renamed or pre-decompressed downloads both work.
 *
 * @param path where the file was read from (for error messages)
 * @param dims the dimensions, first one being the number of items
 * @param data the payload, {@code product(dims)} bytes
 */
record IdxFile(Path path, int[] dims, byte[] data) {
  private static final int UNSIGNED_BYTE = 0x08;

  IdxFile {
    dims = dims.clone();
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** Number of items (the first dimension). */
  int count() {
    return dims[0];
  }

  /** Bytes per item: the product of the remaining dimensions. */
  int itemSize() {
    int n = 1;
    for (int i = 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Reads {@code path}, which must hold unsigned bytes in {@code expectedRank} dimensions. */
  static IdxFile read(Path path, int expectedRank) throws IOException {
    byte[] bytes;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
        bytes = in.readAllBytes();
      }
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new DatasetException("corrupt gzip data in " + path + ": " + e.getMessage(), e);
    }
    if (bytes.length < 4) {
      throw new DatasetException(
          path + " is too short to be an IDX file (" + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int magic = buf.getInt();
    int expectedMagic = (UNSIGNED_BYTE << 8) | expectedRank;
    if (magic != expectedMagic) {
      throw new DatasetException(
          String.format(
              "bad magic number 0x%08X in %s: expected 0x%08X (IDX, unsigned bytes, %d"
                  + " dimensions); is this the right file?",
              magic, path, expectedMagic, expectedRank));
    }
    if (bytes.length < 4 + 4 * expectedRank) {
      throw new DatasetException(path + " ends inside its IDX header");
    }
    int[] dims = new int[expectedRank];
    long expectedPayload = 1;
    for (int i = 0; i < expectedRank; i++) {
      dims[i] = buf.getInt();
      if (dims[i] < 0) {
        throw new DatasetException(path + " declares a negative dimension " + dims[i]);
      }
      expectedPayload *= dims[i];
    }
    int header = 4 + 4 * expectedRank;
    long payload = bytes.length - header;
    if (payload != expectedPayload) {
      throw new DatasetException(
          "count mismatch in "
              + path
              + ": header declares dimensions "
              + Arrays.toString(dims)
              + " = "
              + expectedPayload
              + " bytes but the file holds "
              + payload
              + " (truncated or corrupt download?)");
    }
    return new IdxFile(path, dims, Arrays.copyOfRange(bytes, header, bytes.length));
  }
}
