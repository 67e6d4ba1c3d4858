package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.lethe.testutils.prometheus.LocalPrometheus;
import io.lethe.testutils.prometheus.PrometheusTools;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalPrometheus} scrapes a target on 127.0.0.1 and evaluates the repository's rules. */
class LocalPrometheusTest {
  @Test
  void scrapesATargetAndEvaluatesTheRules(@TempDir Path dir) throws Exception {
    Path bin = PrometheusTools.binDirectoryUnlessCi().orElse(null);
    assumeTrue(bin != null, PrometheusTools.MISSING);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          byte[] body =
              ("# TYPE lethe_worker_consumer_lag_records gauge\n"
                      + "lethe_worker_consumer_lag_records{topic=\"t\"} 2\n")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    Path rules = PrometheusTools.repositoryRoot().resolve("infra/prometheus/rules");
    try (LocalPrometheus prometheus =
        LocalPrometheus.builder(bin, dir)
            .job(
                "worker",
                List.of(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics")))
            .ruleFiles(List.of(rules.resolve("lethe-pipeline.yml"), rules.resolve("lethe-slo.yml")))
            .scrapeInterval(Duration.ofSeconds(1))
            .start()) {
      assertThat(prometheus.uri().getHost()).isEqualTo("127.0.0.1");
      Waiting.until(
          () -> prometheus.query("lethe:consumer_lag_records:sum").size() > 0,
          Duration.ofSeconds(30),
          "the recording rule evaluated on scraped data");
      JsonNode r = prometheus.query("lethe:consumer_lag_records:sum");
      assertThat(r.get(0).path("metric").path("job").asText()).isEqualTo("worker");
      assertThat(r.get(0).path("value").get(1).asText()).isEqualTo("2");
      assertThat(prometheus.rules()).hasSize(4);
    } finally {
      server.stop(0);
    }
  }
}
