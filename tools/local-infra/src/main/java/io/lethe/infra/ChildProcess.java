package io.lethe.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Launches, tracks and stops the child JVMs of {@link LocalKafka} and {@link LocalS3}. */
final class ChildProcess {
  static final String LOOPBACK = "127.0.0.1";

  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> LIVE.forEach(child -> child.stop(Duration.ofSeconds(10))),
                "lethe-local-infra-shutdown"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code java <jvmOptions> -cp <classpath + this module> ChildMain <mainClass> <args>},
   * appending stdout and stderr to {@code logFile}.
   */
  static ChildProcess start(
      String name,
      List<Path> classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile)
      throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    List<Path> fullClasspath = new ArrayList<>(classpath);
    fullClasspath.add(ownCodeSource());
    List<String> command = new ArrayList<>();
    // A session of its own: Ctrl-C in a terminal (SIGINT to the whole foreground process group)
    // must reach only the parent, which then stops its children in order, not the servers first.
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(
        String.join(
            java.io.File.pathSeparator, fullClasspath.stream().map(Path::toString).toList()));
    command.add(ChildMain.class.getName());
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // stdin stays a pipe from this JVM: ChildMain exits when it closes.
    ChildProcess child = new ChildProcess(name, builder.start(), logFile);
    LIVE.add(child);
    return child;
  }

  /** util-linux's setsid: execs its command in a new session (no fork: the pid stays). */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Waits for the process to exit by itself; false on timeout. */
  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM to the process and its descendants, then SIGKILL after {@code grace}; waits. */
  void stop(Duration grace) {
    try {
      List<ProcessHandle> descendants = process.descendants().toList();
      process.destroy();
      descendants.forEach(ProcessHandle::destroy);
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
      for (ProcessHandle descendant : descendants) {
        descendant.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(this);
    }
  }

  /** The last {@code lines} lines of the log file, for error messages. */
  String logTail(int lines) {
    return tail(logFile, lines);
  }

  String describe() {
    return name + " (pid " + process.pid() + ", log " + logFile + ")";
  }

  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log at " + file + ")";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int chunk = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[chunk];
      raf.seek(length - chunk);
      raf.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R");
      int from = Math.max(0, all.length - lines);
      return String.join(System.lineSeparator(), List.of(all).subList(from, all.length));
    } catch (IOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }

  /** The java launcher of this JVM. */
  static String javaExecutable() {
    Path fromHome = Paths.get(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  /** Throws a clear IllegalStateException if {@code port} on 127.0.0.1 is taken. */
  static void requireFree(String what, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
    } catch (BindException e) {
      throw new IllegalStateException(
          what
              + ": port "
              + LOOPBACK
              + ":"
              + port
              + " is already in use (another server is listening there); stop it, or use port 0"
              + " for a free port",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": cannot check port " + port, e);
    }
  }

  /** Reads a classpath resource written by the build (see the module's pom). */
  static List<Path> classpathResource(String resource) {
    try (InputStream in = ChildProcess.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource "
                + resource
                + ": build lethe-local-infra with Maven (it writes the server classpaths)");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      Set<Path> paths = new LinkedHashSet<>();
      for (String entry : text.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          Path path = Paths.get(entry.trim());
          if (!Files.exists(path)) {
            throw new IllegalStateException(
                path + " (from " + resource + ") is missing: rebuild lethe-local-infra");
          }
          paths.add(path);
        }
      }
      return new ArrayList<>(paths);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path ownCodeSource() {
    try {
      return Paths.get(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
