package io.lethe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineRuntimeTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(EngineRuntime.TEMP_DIR);
  }

  @Test
  void nativeLoaderFilesGoWhereTheOwnerSays() throws Exception {
    System.setProperty(EngineRuntime.TEMP_DIR, dir.toString());
    Path made = EngineRuntime.createTempDirectory("lethe-test");
    assertThat(made.getParent()).isEqualTo(dir);
    Files.delete(made);
  }

  @Test
  void aDirectoryItsOwnerDeletedFallsBackToTheSystemTemporaryDirectory() throws Exception {
    System.setProperty(EngineRuntime.TEMP_DIR, dir.resolve("gone").toString());
    Path made = EngineRuntime.createTempDirectory("lethe-test");
    try {
      assertThat(made.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    } finally {
      Files.delete(made);
    }
  }
}
