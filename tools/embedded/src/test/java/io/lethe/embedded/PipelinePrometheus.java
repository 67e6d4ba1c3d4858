package io.lethe.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.testutils.DashboardMetrics;
import io.lethe.testutils.prometheus.LocalPrometheus;
import io.lethe.testutils.prometheus.PrometheusTools;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PipelineIT's real Prometheus ({@link LocalPrometheus}): it scrapes every service of the embedded
 * pipeline each second while the run goes on, with the repository's rule files loaded; afterwards
 * every dashboard query (template variables substituted) and every recording rule must return data,
 * now or at some point of the run (a range query), except for the {@link #EXEMPT exemptions}. Kept
 * out of PipelineIT's own methods: it only starts this, closes it, and calls {@link #check}.
 */
final class PipelinePrometheus implements AutoCloseable {
  /**
   * Queries allowed to be empty, by a metric or rule name they contain, each with its reason
   * (PipelineIT's exported-names check uses the same list). An exemption lapses by itself: once the
   * metric it names exists in Prometheus, the query must have data like any other.
   */
  static final Map<String, String> EXEMPT =
      Map.of(
          "lethe_registry_deletion_to_promotion_seconds",
          "SLI histogram registered by services/registry (the lead's part of issue 21), not yet on"
              + " this branch",
          "lethe_registry_oldest_unhonoured_request_age_seconds",
          "SLI gauge registered by services/registry (the lead's part of issue 21), not yet on"
              + " this branch",
          "lethe_registry_promotions_skipped_total",
          "registered per reason at the first skipped promotion (RegistryMetrics.skipped); a"
              + " successful run skips none");

  /** Recording rules derived from an exempt metric. */
  private static final Map<String, String> DERIVED =
      Map.of(
          "lethe:deletion_to_promotion_", "lethe_registry_deletion_to_promotion_seconds",
          "lethe:oldest_unhonoured_request_age_seconds",
              "lethe_registry_oldest_unhonoured_request_age_seconds");

  /** Grafana's variables as the check substitutes them (1 s scrapes: 30 s hold many samples). */
  static final Map<String, String> VARIABLES =
      Map.of(
          "$__rate_interval", "30s",
          "$__interval", "5s",
          "$__range", "1h",
          "$model", ".*",
          "$instance", ".*");

  private final LocalPrometheus prometheus;
  private final Instant started = Instant.now();
  private final int targets;

  private PipelinePrometheus(LocalPrometheus prometheus, int targets) {
    this.prometheus = prometheus;
    this.targets = targets;
  }

  /** Starts it on the pipeline's metrics URLs; empty without the binaries (fails under CI). */
  static Optional<PipelinePrometheus> start(Map<String, String> metricsUrls, Path dir)
      throws IOException, InterruptedException {
    Optional<Path> bin = PrometheusTools.binDirectoryUnlessCi();
    if (bin.isEmpty()) {
      return Optional.empty();
    }
    LocalPrometheus.Builder b =
        LocalPrometheus.builder(bin.get(), dir)
            .ruleFiles(ruleFiles())
            .scrapeInterval(Duration.ofSeconds(1));
    metricsUrls.forEach((service, url) -> b.job(service, List.of(URI.create(url))));
    PipelinePrometheus p = new PipelinePrometheus(b.start(), metricsUrls.size());
    p.awaitFirstScrapes(Duration.ofSeconds(60));
    return Optional.of(p);
  }

  /**
   * Waits until every target was scraped once with its counters still at their start values: {@code
   * increase()} (hence LetheDeadLetters) sees a counter grow only from a first sample.
   */
  void awaitFirstScrapes(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (prometheus.query("up == 1").size() >= targets
          && prometheus.query("lethe_intake_dead_letters_total").size() > 0) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("Prometheus did not scrape every service within " + patience);
  }

  static List<Path> ruleFiles() throws IOException {
    try (Stream<Path> files =
        Files.list(PrometheusTools.repositoryRoot().resolve("infra/prometheus/rules"))) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  /** Every recording rule's name, from the rule files. */
  static List<String> recordingRules() throws IOException {
    List<String> names = new ArrayList<>();
    Pattern record = Pattern.compile("(?m)^\\s*- record:\\s*(\\S+)\\s*$");
    for (Path f : ruleFiles()) {
      Matcher m = record.matcher(Files.readString(f));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  static String substitute(String expr) {
    String s = expr;
    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
      s = s.replace(v.getKey(), v.getValue());
    }
    return s;
  }

  /** What the check found: query → "data", "data during the run", "EXEMPT: reason" or "NO DATA". */
  record Outcome(Map<String, String> byQuery, List<String> missing) {}

  /**
   * Evaluates every dashboard query and every recording rule; waits (up to {@code patience}) for
   * one more scrape and rule evaluation of the finished run first.
   */
  Outcome check(Path dashboard, Duration patience) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (prometheus.query("up == 1").size() < targets && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    List<String> queries = new ArrayList<>();
    for (String expr : DashboardMetrics.expressions(dashboard)) {
      queries.add(substitute(expr));
    }
    queries.addAll(recordingRules());
    Map<String, String> byQuery = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String q : queries) {
      String found = evaluate(q);
      while (found == null && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        found = evaluate(q);
      }
      if (found == null) {
        String reason = exemption(q);
        if (reason != null) {
          found = "EXEMPT: " + reason;
        } else {
          found = "NO DATA";
          missing.add(q);
        }
      }
      byQuery.put(q, found);
    }
    return new Outcome(byQuery, missing);
  }

  /** Alerts firing now (alertname → labels), from Prometheus' ALERTS series. */
  Map<String, List<String>> firingAlerts() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonNode s : prometheus.query("ALERTS{alertstate=\"firing\"}")) {
      out.computeIfAbsent(s.path("metric").path("alertname").asText(), k -> new ArrayList<>())
          .add(s.path("metric").toString());
    }
    return out;
  }

  /** Rules whose last evaluation failed (health "err"), with the error. */
  List<String> unhealthyRules() {
    List<String> bad = new ArrayList<>();
    for (JsonNode g : prometheus.rules()) {
      for (JsonNode r : g.path("rules")) {
        if (!"ok".equals(r.path("health").asText())) {
          bad.add(r.path("name").asText() + ": " + r.path("lastError").asText());
        }
      }
    }
    return bad;
  }

  private String evaluate(String q) {
    if (prometheus.query(q).size() > 0) {
      return "data";
    }
    if (prometheus.queryRange(q, started, Duration.ofSeconds(2)).size() > 0) {
      return "data during the run";
    }
    return null;
  }

  /** The reason when {@code q} names an exempt metric that Prometheus has no series of. */
  private String exemption(String q) {
    for (Map.Entry<String, String> e : EXEMPT.entrySet()) {
      if (q.contains(e.getKey()) && absent(e.getKey())) {
        return e.getValue();
      }
    }
    for (Map.Entry<String, String> e : DERIVED.entrySet()) {
      if (q.startsWith(e.getKey()) && absent(e.getValue())) {
        return "recording rule over " + e.getValue() + ": " + EXEMPT.get(e.getValue());
      }
    }
    return null;
  }

  private boolean absent(String metric) {
    return prometheus.query("{__name__=~\"" + metric + "(_bucket|_count|_sum)?\"}").size() == 0;
  }

  Path logFile() {
    return prometheus.logFile();
  }

  @Override
  public void close() {
    prometheus.close();
  }
}
