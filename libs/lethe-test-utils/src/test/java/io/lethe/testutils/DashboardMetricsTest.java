package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardMetricsTest {
  /** lethe_<stage>_<what>_<unit>, plus the suffixes Prometheus adds to timers and summaries. */
  private static final Pattern LETHE =
      Pattern.compile(
          "^lethe_[a-z][a-z0-9]*_[a-z0-9_]+_(total|seconds|bytes|ratio|records|versions|info)"
              + "(_bucket|_sum|_count|_max)?$");

  /** Micrometer's runtime families (io.lethe.service.metrics.RuntimeMetrics), exempt by name. */
  private static final Pattern RUNTIME = Pattern.compile("^(jvm|process|system|kafka)_[a-z0-9_]+$");

  @Test
  void namesComeFromSelectorsNotFromFunctionsLabelsOrGroupings() {
    assertThat(
            DashboardMetrics.metricNames(
                "histogram_quantile(0.95, sum by (le, status) (rate("
                    + "lethe_worker_job_duration_seconds_bucket{status=\"succeeded\"}[$__rate_interval])))"))
        .containsExactly("lethe_worker_job_duration_seconds_bucket");
    assertThat(
            DashboardMetrics.metricNames(
                "sum(rate(a_sum[5m])) / sum(rate(a_count[5m])) and on (job) up offset 5m"))
        .containsExactly("a_count", "a_sum", "up");
    assertThat(DashboardMetrics.metricNames("max by (model) (x{model=~\"a|b\"}) > 0.5"))
        .containsExactly("x");
  }

  @Test
  void readsTargetsOfNestedRowPanels(@TempDir Path dir) throws Exception {
    Path dashboard = dir.resolve("d.json");
    Files.writeString(
        dashboard,
        """
        {"panels": [
          {"type": "timeseries", "targets": [{"expr": "rate(m_one_total[1m])"}]},
          {"type": "row", "collapsed": true, "panels": [
            {"type": "stat", "targets": [{"expr": "m_two"}, {"expr": ""}]}]}]}
        """);
    assertThat(DashboardMetrics.referencedMetricNames(dashboard))
        .containsExactly("m_one_total", "m_two");
  }

  @Test
  void thePipelineDashboardQueriesOnlyLetheMetricsOfEveryStage() {
    Set<String> names =
        DashboardMetrics.referencedMetricNames(
            Repository.file("grafana/dashboards/lethe-pipeline.json"));

    // The registry's alias gauge is an identifier with unit "info", which the Prometheus client
    // drops from gauge names: allowed by name. The runtime panels query Micrometer's jvm_*,
    // process_* and kafka_* meters.
    assertThat(names)
        .allSatisfy(
            n ->
                assertThat(
                        LETHE.matcher(n).matches()
                            || RUNTIME.matcher(n).matches()
                            || n.equals("lethe_registry_alias_version"))
                    .as(n)
                    .isTrue());
    assertThat(names)
        .contains(
            "lethe_intake_requests_received_total",
            "lethe_intake_requests_rejected_total",
            "lethe_intake_requests_deduplicated_total",
            "lethe_intake_forget_requests_emitted_total",
            "lethe_worker_jobs_started_total",
            "lethe_worker_jobs_succeeded_total",
            "lethe_worker_jobs_failed_total",
            "lethe_worker_job_duration_seconds_bucket",
            "lethe_worker_dlfd_batches_total",
            "lethe_worker_forgetting_score_ratio",
            "lethe_worker_checkpoint_bytes_sum",
            "lethe_worker_checkpoint_upload_seconds_sum",
            "lethe_evaluator_evaluations_passed_total",
            "lethe_evaluator_evaluations_failed_total",
            "lethe_evaluator_latest_nomus_ratio",
            "lethe_evaluator_latest_forgetting_score_ratio",
            "lethe_registry_versions_promoted_total",
            "lethe_registry_rollbacks_total",
            "lethe_registry_alias_version",
            "lethe_worker_consumer_lag_records",
            "lethe_intake_dead_letters_total");
  }
}
