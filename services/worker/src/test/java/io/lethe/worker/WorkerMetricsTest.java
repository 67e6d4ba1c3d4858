package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.service.metrics.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  private final Metrics metrics = new Metrics(WorkerMetrics.STAGE);
  private final WorkerMetrics worker = new WorkerMetrics(metrics);

  @Test
  void everyStoredCheckpointRecordsItsBytesAndUploadTime() {
    worker.checkpointUploads().uploaded("faces", 2, 4096, Duration.ofMillis(250));
    worker.checkpointUploads().uploaded("faces", 3, 1024, Duration.ofMillis(750));

    assertThat(worker.checkpointBytes.count()).isEqualTo(2);
    assertThat(worker.checkpointBytes.totalAmount()).isEqualTo(5120.0);
    assertThat(worker.checkpointUpload.count()).isEqualTo(2);
    assertThat(worker.checkpointUpload.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(1000.0);
    assertThat(metrics.registry().scrape())
        .contains("lethe_worker_checkpoint_bytes_sum 5120.0")
        .contains("lethe_worker_checkpoint_upload_seconds_count 2")
        .contains("lethe_worker_checkpoint_upload_seconds_sum 1.0");
  }

  @Test
  void checkpointMetersExistBeforeTheFirstUpload() {
    assertThat(metrics.registry().scrape())
        .contains("lethe_worker_checkpoint_bytes_count 0")
        .contains("lethe_worker_checkpoint_upload_seconds_count 0");
  }

  @Test
  void theDeviceJobsRunOnIsAnInfoGaugeOfOne() {
    worker.device("gpu:0");

    // Registered as lethe_worker_device_info; the Prometheus client drops _info from gauges.
    assertThat(metrics.registry().scrape())
        .containsPattern("(?m)^lethe_worker_device\\{device=\"gpu:0\"} 1\\.0$");
  }

  @Test
  void theUtilityGuardsDecisionsAreCountedAndAResultWithoutThemCountsNothing() {
    worker.recordGuard(
        new io.lethe.api.UnlearningResult.Guard(7, 2, true, "stopped", 0.05, 37, 0.97, 0.95));
    worker.recordGuard(
        new io.lethe.api.UnlearningResult.Guard(4, 0, false, "within margin", 0.05, 37, 0.9, 0.9));
    worker.recordGuard(null);

    assertThat(metrics.registry().scrape())
        .contains("lethe_worker_guard_checks_total 11.0")
        .contains("lethe_worker_guard_brakes_total 2.0")
        .contains("lethe_worker_guard_stops_total 1.0");
  }
}
