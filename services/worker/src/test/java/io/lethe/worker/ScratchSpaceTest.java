package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchSpaceTest {
  @TempDir Path root;

  @Test
  void startingDeletesDeadWorkersDirectoriesAndKeepsLiveOnes() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor(10, TimeUnit.SECONDS);
    Process running = new ProcessBuilder("sleep", "60").start();
    try {
      Path dead = Files.createDirectories(root.resolve("pid-" + finished.pid() + "-1a/job-1"));
      Files.write(dead.resolve("parameters.bin"), new byte[1000]);
      // This process's PID on a directory it did not create: a predecessor's (a restarted
      // container's PID 1).
      Path predecessor =
          Files.createDirectories(root.resolve("pid-" + ProcessHandle.current().pid() + "-2b"));
      Path live = Files.createDirectories(root.resolve("pid-" + running.pid() + "-3c"));
      Path other = Files.createDirectories(root.resolve("not-a-worker"));

      try (ScratchSpace scratch = ScratchSpace.open(root)) {
        assertThat(dead.getParent()).doesNotExist();
        assertThat(predecessor).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
        assertThat(scratch.dir().getParent()).isEqualTo(root.toRealPath());
        assertThat(scratch.dir().getFileName().toString())
            .startsWith("pid-" + ProcessHandle.current().pid() + "-");
        Path job = Files.createTempDirectory(scratch.dir(), "job-");
        Files.write(job.resolve("x.bin"), new byte[10]);
        assertThat(ScratchSpace.deleteQuietly(job)).isEqualTo(10);
        assertThat(job).doesNotExist();
        Files.write(scratch.dir().resolve("left.bin"), new byte[5]);
        scratch.close();
        assertThat(scratch.dir()).doesNotExist();
      }
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void aMissingRootIsCreated() throws Exception {
    try (ScratchSpace scratch = ScratchSpace.open(root.resolve("a/b"))) {
      assertThat(scratch.dir()).isDirectory();
    }
  }
}
