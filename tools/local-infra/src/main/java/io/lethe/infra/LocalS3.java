package io.lethe.infra;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
public final class LocalS3 extends LocalServer<LocalS3> {
  static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

  private final String accessKey;
  private final String secretKey;
  private final String region;

  /** A server with default options, its files under {@code dataDir}. */
  public LocalS3(Path dataDir) {
    this(builder(dataDir));
  }

  private LocalS3(Builder builder) {
    super(
        "LocalS3",
        "s3proxy",
        "s3proxy.log",
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        builder);
    this.accessKey = builder.accessKey;
    this.secretKey = builder.secretKey;
    this.region = builder.region;
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Writes the s3proxy configuration and starts it. */
  @Override
  ChildProcess launch(int port) throws IOException {
    Files.createDirectories(dataDir().resolve("blobs"));
    Path config = dataDir().resolve("s3proxy.properties");
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      out.write("# Written by io.lethe.infra.LocalS3; rewritten on every start.\n");
      for (Map.Entry<String, String> e :
          s3proxyProperties(dataDir(), port, accessKey, secretKey).entrySet()) {
        out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
      }
    }
    List<String> options = jvmOptions();
    options.add("-Djava.awt.headless=true");
    options.add("-DLOG_LEVEL=info");
    return ChildProcess.start(
        "s3proxy",
        ChildProcess.classpathResource("s3proxy.classpath"),
        options,
        MAIN_CLASS,
        List.of("--properties", config.toString()),
        logFile());
  }

  /** s3proxy answers any HTTP request once it serves (403 for an anonymous one). */
  @Override
  Probe probe() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint() + "/"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    return () -> {
      http.send(request, HttpResponse.BodyHandlers.discarding());
      return true;
    };
  }

  @Override
  String address() {
    return endpoint();
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
    return "http://" + ChildProcess.LOOPBACK + ":" + port();
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

  /** Options for {@link LocalS3}. */
  public static final class Builder extends LocalServer.Builder<Builder> {
    private String accessKey = "lethe-local";
    private String secretKey = "lethe-local-secret";
    private String region = "us-east-1";

    private Builder(Path dataDir) {
      super(dataDir, "256m", Duration.ofSeconds(60));
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

    @Override
    List<String> defaultJvmOptions(String maxHeap) {
      return List.of("-Xms32m", "-Xmx" + maxHeap, "-XX:+UseSerialGC");
    }

    public LocalS3 build() {
      return new LocalS3(this);
    }
  }
}
