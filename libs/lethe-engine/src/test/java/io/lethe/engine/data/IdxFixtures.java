package io.lethe.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tiny IDX files for tests. */
final class IdxFixtures {
  private IdxFixtures() {}

  /** IDX bytes with the given magic, dimensions and payload. */
  static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(payload);
    return bytes.toByteArray();
  }

  static void write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      out.write(content);
    }
  }

  /** Images whose every pixel equals {@code (item % 256)}. */
  static byte[] images(int count, int side) throws IOException {
    byte[] payload = new byte[count * side * side];
    for (int i = 0; i < count; i++) {
      java.util.Arrays.fill(payload, i * side * side, (i + 1) * side * side, (byte) i);
    }
    return idx(0x803, new int[] {count, side, side}, payload);
  }

  /** Labels {@code item % numClasses}. */
  static byte[] labels(int count, int numClasses) throws IOException {
    byte[] payload = new byte[count];
    for (int i = 0; i < count; i++) {
      payload[i] = (byte) (i % numClasses);
    }
    return idx(0x801, new int[] {count}, payload);
  }

  /**
   * A full MNIST-style directory: {@code train} train and {@code test} test items of {@code side},
   * labels cycling through {@code numClasses}; train files gzipped, test files plain.
   */
  static Path dataset(Path dir, int train, int test, int side, int numClasses) throws IOException {
    write(dir.resolve("train-images-idx3-ubyte.gz"), images(train, side), true);
    write(dir.resolve("train-labels-idx1-ubyte.gz"), labels(train, numClasses), true);
    write(dir.resolve("t10k-images-idx3-ubyte"), images(test, side), false);
    write(dir.resolve("t10k-labels-idx1-ubyte"), labels(test, numClasses), false);
    return dir;
  }
}
