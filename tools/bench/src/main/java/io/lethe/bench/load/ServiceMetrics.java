package io.lethe.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A counter or gauge read from a service's {@code /metrics}, as Prometheus would scrape it: the sum
 * of every series of {@code name} whose labels contain {@code label} (e.g. {@code source="kafka"}).
 */
final class ServiceMetrics {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI metrics;

  /**
   * @param metricsUrl e.g. {@code http://127.0.0.1:8080/metrics}
   */
  ServiceMetrics(String metricsUrl) {
    this.metrics = URI.create(Objects.requireNonNull(metricsUrl, "metricsUrl"));
  }

  /** The sum over matching series, 0 when none is exported yet. */
  double value(String name, String label) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + metrics + " answered " + r.statusCode());
    }
    return sum(r.body(), name, label);
  }

  static double sum(String exposition, String name, String label) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name)
          && (line.length() == name.length()
              || line.charAt(name.length()) == '{'
              || line.charAt(name.length()) == ' ')
          && (label == null || line.contains(label))) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
