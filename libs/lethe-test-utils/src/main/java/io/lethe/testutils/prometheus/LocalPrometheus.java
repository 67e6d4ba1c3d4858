package io.lethe.testutils.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the Debian package's binary, see {@link PrometheusTools}) as a child process,
 * like {@code LocalKafka} / {@code LocalS3}: bound to {@code 127.0.0.1} on a free port, a data
 * directory of its own, scraping the given targets every {@link Builder#scrapeInterval} and
 * evaluating the given rule files. The rule files are copied with every group's {@code interval}
 * set to the scrape interval, so that recording rules have values within seconds, not minutes.
 * Stopped by {@link #close()} or, at the latest, when the JVM exits.
 */
public final class LocalPrometheus implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Process process;
  private final int port;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Thread hook;

  private LocalPrometheus(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.hook = new Thread(this::destroy, "local-prometheus-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static Builder builder(Path binDir, Path dir) {
    return new Builder(binDir, dir);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public Path logFile() {
    return dir.resolve("prometheus.log");
  }

  /** An instant query's {@code data.result} (an array; empty when there is no data). */
  public JsonNode query(String promql) {
    return get("/api/v1/query?query=" + encode(promql)).path("data").path("result");
  }

  /** A range query's {@code data.result} from {@code start} to now. */
  public JsonNode queryRange(String promql, Instant start, Duration step) {
    long now = Instant.now().getEpochSecond() + 1;
    return get("/api/v1/query_range?query="
            + encode(promql)
            + "&start="
            + start.getEpochSecond()
            + "&end="
            + now
            + "&step="
            + Math.max(1, step.toSeconds()))
        .path("data")
        .path("result");
  }

  /** {@code /api/v1/targets}' active targets. */
  public JsonNode targets() {
    return get("/api/v1/targets").path("data").path("activeTargets");
  }

  /** {@code /api/v1/rules}' groups (each with its rules' health and last error). */
  public JsonNode rules() {
    return get("/api/v1/rules").path("data").path("groups");
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = MAPPER.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(
            "Prometheus " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("Prometheus " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void destroy() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }

  public static final class Builder {
    private final Path binDir;
    private final Path dir;
    private final Map<String, List<URI>> jobs = new LinkedHashMap<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private Duration scrapeInterval = Duration.ofSeconds(1);
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(Path binDir, Path dir) {
      this.binDir = Objects.requireNonNull(binDir, "binDir");
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /** A scrape job named {@code job} (the {@code job} label) of metrics URLs. */
    public Builder job(String job, List<URI> metricsUrls) {
      jobs.put(job, List.copyOf(metricsUrls));
      return this;
    }

    public Builder ruleFiles(List<Path> files) {
      ruleFiles.addAll(files);
      return this;
    }

    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = interval;
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public LocalPrometheus start() throws IOException, InterruptedException {
      Files.createDirectories(dir.resolve("rules"));
      String interval = Math.max(1, scrapeInterval.toSeconds()) + "s";
      StringBuilder yml = new StringBuilder();
      yml.append("global:\n  scrape_interval: ")
          .append(interval)
          .append("\n  evaluation_interval: ")
          .append(interval)
          .append("\nrule_files:\n");
      for (Path rule : ruleFiles) {
        String text =
            Files.readString(rule).replaceAll("(?m)^(\\s+interval:)\\s*\\S+", "$1 " + interval);
        Path copy = dir.resolve("rules").resolve(rule.getFileName());
        Files.writeString(copy, text);
        yml.append("  - ").append(copy).append('\n');
      }
      yml.append("scrape_configs:\n");
      for (Map.Entry<String, List<URI>> job : jobs.entrySet()) {
        Map<String, List<String>> byPath = new LinkedHashMap<>();
        for (URI u : job.getValue()) {
          byPath
              .computeIfAbsent(
                  u.getPath().isEmpty() ? "/metrics" : u.getPath(), k -> new ArrayList<>())
              .add(u.getHost() + ":" + u.getPort());
        }
        for (Map.Entry<String, List<String>> e : byPath.entrySet()) {
          yml.append("  - job_name: ").append(job.getKey()).append('\n');
          yml.append("    metrics_path: ").append(e.getKey()).append('\n');
          yml.append("    static_configs:\n      - targets: [");
          yml.append(String.join(", ", e.getValue().stream().map(t -> "\"" + t + "\"").toList()));
          yml.append("]\n");
        }
      }
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, yml.toString());
      int port = freePort();
      Path log = dir.resolve("prometheus.log");
      Process p =
          new ProcessBuilder(
                  binDir.resolve("prometheus").toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--web.console.templates=" + dir,
                  "--web.console.libraries=" + dir,
                  "--log.level=warn")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LocalPrometheus prometheus = new LocalPrometheus(p, port, dir);
      long deadline = System.nanoTime() + startTimeout.toNanos();
      HttpClient client = HttpClient.newHttpClient();
      while (true) {
        if (!p.isAlive()) {
          prometheus.close();
          throw new IllegalStateException(
              "prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
        }
        try {
          HttpResponse<Void> r =
              client.send(
                  HttpRequest.newBuilder(prometheus.uri().resolve("/-/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return prometheus;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          prometheus.close();
          throw new IllegalStateException(
              "prometheus not ready within " + startTimeout + ":\n" + Files.readString(log));
        }
        Thread.sleep(200);
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        return s.getLocalPort();
      }
    }
  }
}
