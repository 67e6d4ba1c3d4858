package io.lethe.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The TorchScript fixtures made by {@code torchscript/make_torchscript_fixtures.py} (python3-torch
 * 1.13): a small Fashion-MNIST CNN with BatchNorm as {@code model.pt} (scripted), {@code traced.pt}
 * and {@code features.pt} (returns logits and features), each with its descriptor ({@code
 * model.json} ...), and {@code expected.json} (eight test images and Python's logits).
 */
public final class TorchScriptFixtures {
  private TorchScriptFixtures() {}

  /** Copies the fixture files {@code names} (e.g. "model.pt", "model.json") into {@code dir}. */
  public static void copyTo(Path dir, String... names) {
    try {
      Files.createDirectories(dir);
      for (String name : names) {
        try (InputStream in =
            TorchScriptFixtures.class.getResourceAsStream("/torchscript/" + name)) {
          if (in == null) {
            throw new IllegalArgumentException("no TorchScript fixture " + name);
          }
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
