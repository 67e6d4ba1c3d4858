package io.lethe.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command-line entry point, as {@code .ci/run} uses it: start, read env, stop. */
class LocalServersIT {
  @Test
  void startPrintsAndWritesTheEnvironmentAndStopEndsEverything() throws Exception {
    Path dir = Paths.get("target", "it-servers", "cli-" + UUID.randomUUID()).toAbsolutePath();
    String classpath = System.getProperty("java.class.path");
    Process start =
        new ProcessBuilder(
                ChildProcess.javaExecutable(),
                "-cp",
                classpath,
                LocalServers.class.getName(),
                "start",
                "--dir",
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(start.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while (lines.size() < 5 && (line = out.readLine()) != null) {
          lines.add(line);
        }
        assertThat(lines)
            .anyMatch(l -> l.matches("KAFKA_BOOTSTRAP_SERVERS=127\\.0\\.0\\.1:\\d+"))
            .anyMatch(l -> l.matches("S3_ENDPOINT=http://127\\.0\\.0\\.1:\\d+"))
            .anyMatch(l -> l.startsWith("S3_ACCESS_KEY="))
            .anyMatch(l -> l.startsWith("S3_SECRET_KEY="));
        assertThat(Files.readAllLines(dir.resolve("env"))).containsExactlyElementsOf(lines);
        assertThat(Files.readString(dir.resolve("pid")).trim())
            .isEqualTo(Long.toString(start.pid()));

        List<ProcessHandle> children = start.descendants().toList();
        assertThat(children).hasSize(2);

        int code =
            LocalServers.run(
                new String[] {"stop", "--dir", dir.toString()}, System.out, System.err);
        assertThat(code).isZero();
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle child : children) {
          child.onExit().get(30, TimeUnit.SECONDS);
          assertThat(child.isAlive()).isFalse();
        }
        assertThat(dir.resolve("env")).doesNotExist();
      }
    } finally {
      start.descendants().forEach(ProcessHandle::destroyForcibly);
      start.destroyForcibly();
    }
  }
}
