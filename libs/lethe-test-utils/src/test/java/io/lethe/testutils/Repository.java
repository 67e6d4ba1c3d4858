package io.lethe.testutils;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found from the module directory the tests run in. */
final class Repository {
  private Repository() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("grafana"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no repository root (with grafana/) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Path file(String relative) {
    Path p = root().resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("missing " + p);
    }
    return p;
  }
}
