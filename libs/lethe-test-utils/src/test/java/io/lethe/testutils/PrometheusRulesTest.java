package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lethe.testutils.prometheus.PrometheusTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool} on the repository's Prometheus files: both configurations, the rule files in
 * {@code infra/prometheus/rules/} and their unit tests in {@code rules/tests/} (input series →
 * alerts that must fire and must not). Skipped without promtool, except under CI ({@code
 * LETHE_CI=1}, set by {@code .ci/run}, which fetches it): there a missing promtool fails.
 */
class PrometheusRulesTest {
  private Path root;
  private Path bin;

  @BeforeEach
  void promtool() {
    root = PrometheusTools.repositoryRoot();
    bin = PrometheusTools.binDirectoryUnlessCi().orElse(null);
    assumeTrue(bin != null, PrometheusTools.MISSING);
  }

  @Test
  void bothConfigurationsAreValidAndLoadTheRules() {
    for (String config : List.of("prometheus.yml", "prometheus-local.yml")) {
      PrometheusTools.Result r =
          PrometheusTools.promtool(
              bin, root.resolve("infra/prometheus"), List.of("check", "config", config));
      assertThat(r.ok()).as(r.output()).isTrue();
      assertThat(r.output()).as(config).contains("SUCCESS: 2 rule files found");
    }
  }

  @Test
  void ruleFilesAreValid() throws IOException {
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    args.addAll(names(ruleFiles()));
    PrometheusTools.Result r =
        PrometheusTools.promtool(bin, root.resolve("infra/prometheus/rules"), args);
    assertThat(r.ok()).as(r.output()).isTrue();
  }

  @Test
  void everyRuleFileHasAPassingUnitTest() throws IOException {
    List<Path> rules = ruleFiles();
    assertThat(rules).isNotEmpty();
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    for (Path rule : rules) {
      String name = rule.getFileName().toString().replaceFirst("\\.yml$", ".test.yml");
      Path test = root.resolve("infra/prometheus/rules/tests").resolve(name);
      assertThat(test).as("unit test of " + rule).isRegularFile();
      assertThat(Files.readString(test)).contains("../" + rule.getFileName());
      args.add(name);
    }
    PrometheusTools.Result r =
        PrometheusTools.promtool(bin, root.resolve("infra/prometheus/rules/tests"), args);
    assertThat(r.ok()).as(r.output()).isTrue();
  }

  /** Every alert of every rule file is exercised by a firing case in the unit tests. */
  @Test
  void everyAlertHasAFiringTestCase() throws IOException {
    StringBuilder tests = new StringBuilder();
    try (Stream<Path> files = Files.list(root.resolve("infra/prometheus/rules/tests"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".test.yml")).toList()) {
        tests.append(Files.readString(f));
      }
    }
    String all = tests.toString();
    for (Path rule : ruleFiles()) {
      for (String line : Files.readAllLines(rule)) {
        String t = line.strip();
        if (t.startsWith("- alert: ")) {
          String alert = t.substring("- alert: ".length()).strip();
          // a case with this alertname whose exp_alerts is not empty
          assertThat(all)
              .as(alert + " has a test case where it fires")
              .containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels");
        }
      }
    }
  }

  /** The harness notices a wrong expectation: promtool fails a case that expects no alert. */
  @Test
  void aWrongExpectationFails(@TempDir Path dir) throws IOException {
    Path rules = root.resolve("infra/prometheus/rules/lethe-pipeline.yml");
    Files.writeString(
        dir.resolve("broken.test.yml"),
        String.join(
            "\n",
            "rule_files: ['" + rules + "']",
            "evaluation_interval: 1m",
            "tests:",
            "  - interval: 1m",
            "    input_series:",
            "      - series: 'up{job=\"worker\",instance=\"w1:8080\"}'",
            "        values: '0x20'",
            "    alert_rule_test:",
            "      - eval_time: 15m",
            "        alertname: LetheServiceDown",
            "        exp_alerts: []",
            ""));
    PrometheusTools.Result r =
        PrometheusTools.promtool(bin, dir, List.of("test", "rules", "broken.test.yml"));
    assertThat(r.ok()).as(r.output()).isFalse();
    assertThat(r.output()).contains("LetheServiceDown");
  }

  private List<Path> ruleFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("infra/prometheus/rules"))) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }
}
