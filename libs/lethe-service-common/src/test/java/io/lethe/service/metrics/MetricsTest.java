package io.lethe.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void namesFollowTheConvention() {
    assertThat(Metrics.name("intake", "requests_received", Metrics.Unit.TOTAL))
        .isEqualTo("lethe_intake_requests_received_total");
    assertThat(Metrics.checkName("lethe_worker_job_duration_seconds"))
        .isEqualTo("lethe_worker_job_duration_seconds");
  }

  @Test
  void badNamesAreRejected() {
    for (String bad :
        new String[] {
          "intake_requests_received_total",
          "lethe_intake_requests_received",
          "lethe_Intake_requests_total",
          "lethe_intake__requests_total",
          "lethe_intake_total",
          "lethe.intake.requests.total",
          "lethe_intake_requests_received_total_",
          "lethe_intake_requests-received_total"
        }) {
      assertThatThrownBy(() -> Metrics.checkName(bad), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> Metrics.name("In take", "x", Metrics.Unit.TOTAL))
        .hasMessageContaining("stage");
    assertThatThrownBy(() -> Metrics.name("intake", "RequestsReceived", Metrics.Unit.TOTAL))
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> new Metrics("intake").counter("requests_total"))
        .hasMessageContaining("must not carry a unit");
    assertThatThrownBy(() -> new Metrics("worker").timer("duration_seconds"))
        .hasMessageContaining("must not carry a unit");
  }

  @Test
  void theScrapeShowsExactlyTheConventionalNames() {
    Metrics m = new Metrics("intake");
    m.counter("requests_received").increment(3);
    m.timer("request_duration").record(Duration.ofMillis(250));
    m.gauge("queue_fill", Metrics.Unit.RATIO, new AtomicInteger(1), AtomicInteger::get);

    String scrape = m.registry().scrape();

    assertThat(scrape)
        .contains("lethe_intake_requests_received_total 3.0")
        .contains("lethe_intake_request_duration_seconds_count 1")
        .contains("lethe_intake_queue_fill_ratio 1.0");
  }

  @Test
  void summariesAndRecordGaugesCarryTheirUnit() {
    Metrics metrics = new Metrics("worker");
    metrics.summary("checkpoint", Metrics.Unit.BYTES).record(2048);
    metrics.gauge(
        "consumer_lag",
        Metrics.Unit.RECORDS,
        new AtomicInteger(7),
        AtomicInteger::get,
        "topic",
        "t");
    String scrape = metrics.registry().scrape();
    assertThat(scrape)
        .contains("lethe_worker_checkpoint_bytes_count 1")
        .contains("lethe_worker_checkpoint_bytes_sum 2048.0")
        .contains("lethe_worker_consumer_lag_records{topic=\"t\"} 7.0");
    assertThat(Metrics.checkName("lethe_worker_consumer_lag_records"))
        .isEqualTo("lethe_worker_consumer_lag_records");
    assertThatThrownBy(() -> metrics.summary("wait", Metrics.Unit.SECONDS))
        .hasMessageContaining("timer");
  }
}
