package io.lethe.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real S3-compatible server (<a href="https://github.com/gaul/s3proxy">s3proxy</a> 4.1 on the
 * jclouds {@code filesystem-nio2} blob store) running as a child JVM on 127.0.0.1, with AWS
 * signature v2/v4 authentication. Buckets are directories under {@code <dataDir>/blobs}.
 *
 * <p>It runs as a child process rather than in-process because s3proxy pulls in jclouds, Guava,
 * Jetty, Jackson, okhttp and logback, whose versions would collide with the services' (Vert.x,
 * Jackson, the S3 client); the self-contained {@code jar-with-dependencies} keeps them apart.
 */
public final class LocalS3 implements AutoCloseable {
  static final String MAIN_CLASS = "org.gaul.s3proxy.Main";
  private static final int LOG_TAIL_LINES = 40;

  private final Path dataDir;
  private final int requestedPort;
  private final String accessKey;
  private final String secretKey;
  private final String region;
  private final List<String> jvmOptions;
  private final Duration startTimeout;

  private ChildProcess process;
  private int port;
  private Duration lastStartTime;

  /** A server with default options, its files under {@code dataDir}. */
  public LocalS3(Path dataDir) {
    this(builder(dataDir));
  }

  private LocalS3(Builder builder) {
    this.dataDir = builder.dataDir.toAbsolutePath();
    this.requestedPort = builder.port;
    this.accessKey = builder.accessKey;
    this.secretKey = builder.secretKey;
    this.region = builder.region;
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.startTimeout = builder.startTimeout;
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Starts s3proxy and waits until it answers HTTP requests. */
  public synchronized LocalS3 start() {
    if (process != null) {
      throw new IllegalStateException("LocalS3 already started at " + endpoint());
    }
    long t0 = System.nanoTime();
    if (requestedPort != 0) {
      ChildProcess.requireFree("LocalS3", requestedPort);
    }
    port = requestedPort == 0 ? ChildProcess.freePort() : requestedPort;
    try {
      Files.createDirectories(dataDir.resolve("blobs"));
      Path config = dataDir.resolve("s3proxy.properties");
      try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        out.write("# Written by io.lethe.infra.LocalS3; rewritten on every start.\n");
        for (Map.Entry<String, String> e :
            s3proxyProperties(dataDir, port, accessKey, secretKey).entrySet()) {
          out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
        }
      }
      List<String> options = new ArrayList<>(jvmOptions);
      options.add("-Djava.awt.headless=true");
      options.add("-DLOG_LEVEL=info");
      process =
          ChildProcess.start(
              "s3proxy",
              ChildProcess.classpathResource("s3proxy.classpath"),
              options,
              MAIN_CLASS,
              List.of("--properties", config.toString()),
              logFile());
      awaitReady(t0);
    } catch (IOException e) {
      stop();
      throw new UncheckedIOException("LocalS3 failed to start in " + dataDir, e);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
    return this;
  }

  /** The s3proxy configuration, as {@link #start()} writes it. */
  public static Map<String, String> s3proxyProperties(
      Path dataDir, int port, String accessKey, String secretKey) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("s3proxy.endpoint", "http://" + ChildProcess.LOOPBACK + ":" + port);
    p.put("s3proxy.authorization", "aws-v2-or-v4");
    p.put("s3proxy.identity", accessKey);
    p.put("s3proxy.credential", secretKey);
    p.put("jclouds.provider", "filesystem-nio2");
    p.put("jclouds.filesystem.basedir", dataDir.toAbsolutePath().resolve("blobs").toString());
    p.put("jclouds.identity", accessKey);
    p.put("jclouds.credential", secretKey);
    return p;
  }

  /** {@code http://127.0.0.1:<port>}. Use path-style access. */
  public String endpoint() {
    requireStarted();
    return "http://" + ChildProcess.LOOPBACK + ":" + port;
  }

  public int port() {
    requireStarted();
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The region clients should sign for; s3proxy accepts any. */
  public String region() {
    return region;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** {@code <dataDir>/s3proxy.log}. */
  public Path logFile() {
    return dataDir.resolve("s3proxy.log");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public Duration startTime() {
    return lastStartTime;
  }

  /** Stops the server and waits for it. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void awaitReady(long t0) {
    long deadline = t0 + startTimeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint() + "/"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "LocalS3: s3proxy exited during start (exit "
                + process.exitValue()
                + "); "
                + logFile()
                + " ends with:\n"
                + process.logTail(LOG_TAIL_LINES));
      }
      try {
        // Any HTTP answer (403 for an anonymous request) means it is serving.
        http.send(request, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for s3proxy", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "LocalS3: s3proxy did not answer on "
            + endpoint()
            + " within "
            + startTimeout
            + " (last error: "
            + last
            + "); "
            + logFile()
            + " ends with:\n"
            + process.logTail(LOG_TAIL_LINES));
  }

  private void requireStarted() {
    if (process == null) {
      throw new IllegalStateException("LocalS3 is not started");
    }
  }

  /** Options for {@link LocalS3}. */
  public static final class Builder {
    private final Path dataDir;
    private int port = 0;
    private String accessKey = "lethe-local";
    private String secretKey = "lethe-local-secret";
    private String region = "us-east-1";
    private List<String> jvmOptions = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC");
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port);
      }
      this.port = port;
      return this;
    }

    public Builder accessKey(String accessKey) {
      this.accessKey = Objects.requireNonNull(accessKey);
      return this;
    }

    public Builder secretKey(String secretKey) {
      this.secretKey = Objects.requireNonNull(secretKey);
      return this;
    }

    public Builder region(String region) {
      this.region = Objects.requireNonNull(region);
      return this;
    }

    /** The server's maximum heap, e.g. {@code "256m"} (the default). */
    public Builder heap(String maxHeap) {
      this.jvmOptions = List.of("-Xms32m", "-Xmx" + maxHeap, "-XX:+UseSerialGC");
      return this;
    }

    public Builder jvmOptions(List<String> options) {
      this.jvmOptions = List.copyOf(options);
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    public LocalS3 build() {
      return new LocalS3(this);
    }
  }
}
