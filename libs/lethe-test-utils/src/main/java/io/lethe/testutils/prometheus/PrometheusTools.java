package io.lethe.testutils.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the {@code prometheus} and {@code promtool} binaries of the Debian package (never
 * installed: {@code apt-get download prometheus && dpkg-deb -x prometheus_*.deb DIR}, which {@code
 * .ci/run} does into {@code target/tools/prometheus}), and runs {@code promtool}.
 *
 * <p>Looked for, in order: the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV} (a directory holding both binaries); {@code <repository>/target/tools/prometheus/
 * usr/bin}; the {@code PATH}. Under CI ({@code LETHE_CI=1}, set by {@code .ci/run}) a missing
 * binary fails the test ({@link #binDirectoryUnlessCi}); elsewhere tests skip, saying how to get
 * it.
 */
public final class PrometheusTools {
  public static final String PROPERTY = "lethe.prometheus.bin";
  public static final String ENV = "LETHE_PROMETHEUS_BIN";
  public static final String CI_ENV = "LETHE_CI";

  private PrometheusTools() {}

  /** The repository root: the first directory above the working directory with {@code infra/}. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("infra").resolve("prometheus"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no repository root (with infra/prometheus/) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** The directory holding {@code prometheus} and {@code promtool}, if there is one. */
  public static Optional<Path> binDirectory() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty(PROPERTY, System.getenv(ENV));
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    candidates.add(
        repositoryRoot().resolve("target/tools/prometheus/usr/bin").toAbsolutePath().normalize());
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          candidates.add(Path.of(entry));
        }
      }
    }
    return candidates.stream()
        .filter(
            d ->
                Files.isExecutable(d.resolve("promtool"))
                    && Files.isExecutable(d.resolve("prometheus")))
        .findFirst();
  }

  /** What to do when the binaries are missing. */
  public static final String MISSING =
      "no prometheus/promtool found (system property "
          + PROPERTY
          + ", env "
          + ENV
          + ", target/tools/prometheus/usr/bin or PATH). Get them without installing the package:"
          + " mkdir -p target/tools && cd target/tools && apt-get download prometheus"
          + " && dpkg-deb -x prometheus_*.deb prometheus (or run .ci/run)";

  /**
   * The binaries' directory, or empty (the caller skips: {@code assumeTrue(dir.isPresent(),
   * MISSING)}).
   *
   * @throws AssertionError when {@code LETHE_CI=1} and the binaries are missing: CI must run the
   *     Prometheus checks, not skip them
   */
  public static Optional<Path> binDirectoryUnlessCi() {
    Optional<Path> dir = binDirectory();
    if (dir.isEmpty() && "1".equals(System.getenv(CI_ENV))) {
      throw new AssertionError(CI_ENV + "=1: " + MISSING);
    }
    return dir;
  }

  /** Exit code and combined output of a finished command. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code <binDir>/promtool args...} in {@code workDir}, up to two minutes. */
  public static Result promtool(Path binDir, Path workDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binDir.resolve("promtool").toString());
    command.addAll(args);
    return run(workDir, command);
  }

  static Result run(Path workDir, List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
