package io.lethe.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a real server run as a child JVM on 127.0.0.1 shares, whatever it serves: a data directory,
 * a port (requested or free), a start that launches the process and waits until it answers or
 * quotes its log, a log file, and an idempotent stop. {@link LocalKafka} and {@link LocalS3} say
 * how to launch theirs and how to ask whether it answers.
 *
 * @param <S> the server type, returned by {@link #start()}
 */
abstract class LocalServer<S extends LocalServer<S>> implements AutoCloseable {
  static final int LOG_TAIL_LINES = 40;

  private final String name;
  private final String what;
  private final String logFileName;
  private final Duration stopTimeout;
  private final Duration probeInterval;
  private final Path dataDir;
  private final int requestedPort;
  private final List<String> jvmOptions;
  private final Duration startTimeout;

  private ChildProcess process;
  private int port;
  private Duration lastStartTime;

  /** What the server is ready to be asked, once: true when it answers. */
  interface Probe extends AutoCloseable {
    boolean answers() throws Exception;

    @Override
    default void close() {}
  }

  /**
   * @param name the class name used in messages, e.g. {@code LocalKafka}
   * @param what the process in messages, e.g. {@code the broker}
   * @param logFileName the child's stdout and stderr, under the data directory
   */
  LocalServer(
      String name,
      String what,
      String logFileName,
      Duration stopTimeout,
      Duration probeInterval,
      Builder<?> builder) {
    this.name = name;
    this.what = what;
    this.logFileName = logFileName;
    this.stopTimeout = stopTimeout;
    this.probeInterval = probeInterval;
    this.dataDir = builder.dataDir.toAbsolutePath();
    this.requestedPort = builder.port;
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.startTimeout = builder.startTimeout;
  }

  /** Writes the configuration for {@code port} and starts the child process. */
  abstract ChildProcess launch(int port) throws IOException;

  /** A readiness probe of the started server; closed when the wait ends. */
  abstract Probe probe();

  /** Where clients reach the started server, for messages. */
  abstract String address();

  /** Starts the server and waits until it answers. */
  @SuppressWarnings("unchecked")
  public synchronized S start() {
    if (process != null) {
      throw new IllegalStateException(name + " already started at " + address());
    }
    long t0 = System.nanoTime();
    if (requestedPort != 0) {
      ChildProcess.requireFree(name, requestedPort);
    }
    port = requestedPort == 0 ? ChildProcess.freePort() : requestedPort;
    try {
      Files.createDirectories(dataDir);
      process = launch(port);
      awaitReady(t0);
    } catch (IOException e) {
      stop();
      throw new UncheckedIOException(name + " failed to start in " + dataDir, e);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
    return (S) this;
  }

  private void awaitReady(long t0) {
    long deadline = t0 + startTimeout.toNanos();
    try (Probe probe = probe()) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name
                  + ": "
                  + what
                  + " exited during start (exit "
                  + process.exitValue()
                  + "); "
                  + logFile()
                  + " ends with:\n"
                  + process.logTail(LOG_TAIL_LINES));
        }
        try {
          if (probe.answers()) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + name, e);
        } catch (Exception e) {
          last = e;
        }
        sleep(probeInterval);
      }
      throw new IllegalStateException(
          name
              + ": "
              + what
              + " did not answer on "
              + address()
              + " within "
              + startTimeout
              + " (last error: "
              + last
              + "); "
              + logFile()
              + " ends with:\n"
              + process.logTail(LOG_TAIL_LINES));
    }
  }

  /** The server's port on 127.0.0.1. */
  public int port() {
    requireStarted();
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** {@code <dataDir>/<log file>}: the server's stdout and stderr. */
  public Path logFile() {
    return dataDir.resolve(logFileName);
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** How long the last {@link #start()} took. */
  public Duration startTime() {
    return lastStartTime;
  }

  /** Stops the server (SIGTERM, then SIGKILL after a grace) and waits for it. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(stopTimeout);
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The JVM options the builder set, to which a server adds its own. */
  List<String> jvmOptions() {
    return new ArrayList<>(jvmOptions);
  }

  void requireStarted() {
    if (process == null) {
      throw new IllegalStateException(name + " is not started");
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The options every local server has. */
  abstract static class Builder<B extends Builder<B>> {
    private final Path dataDir;
    private int port = 0;
    private List<String> jvmOptions;
    private Duration startTimeout;

    Builder(Path dataDir, String defaultHeap, Duration defaultStartTimeout) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      this.jvmOptions = defaultJvmOptions(defaultHeap);
      this.startTimeout = defaultStartTimeout;
    }

    /** The JVM options for a maximum heap of {@code maxHeap}. */
    abstract List<String> defaultJvmOptions(String maxHeap);

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** The port on 127.0.0.1; 0 (the default) picks a free one. */
    public B port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port);
      }
      this.port = port;
      return self();
    }

    /** The server's maximum heap, e.g. {@code "512m"}. */
    public B heap(String maxHeap) {
      this.jvmOptions = defaultJvmOptions(maxHeap);
      return self();
    }

    /** Replaces the server's JVM options entirely. */
    public B jvmOptions(List<String> options) {
      this.jvmOptions = List.copyOf(options);
      return self();
    }

    public B startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return self();
    }
  }
}
