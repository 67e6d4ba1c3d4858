package io.lethe.worker;

import io.lethe.registry.store.UploadListener;
import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's meters ({@code lethe_worker_*}): jobs started, succeeded, failed and retried (each
 * time a job that failed transiently, e.g. S3 down, is called again by the consumer: no result in
 * between); of the succeeded, those whose subjects the newest version had all forgotten already
 * ({@code jobs_already_forgotten}: no engine run, no new version); the utility guard's checks,
 * brakes and stops during DLFD runs ({@code guard_checks}, {@code guard_brakes}, {@code
 * guard_stops}); job duration as a histogram (so dashboards can take quantiles across replicas);
 * DLFD batches; checkpoint sizes and upload times of the versions it stores; and, while a job runs,
 * its forgetting score as a gauge tagged with the request id, removed when the job ends so finished
 * jobs do not linger as stale series. {@code lethe_worker_device_info{device="cpu"|"gpu:N"}} is 1
 * for the device jobs run on (an identifier with unit {@code info}; the Prometheus client drops the
 * {@code _info} suffix from gauge names, so it is scraped as {@code lethe_worker_device}).
 */
final class WorkerMetrics {
  static final String STAGE = "worker";

  private final Metrics metrics;
  final Counter started;
  final Counter succeeded;
  final Counter failed;
  final Counter retried;
  final Counter alreadyForgotten;
  final Counter dlfdBatches;
  final Counter guardChecks;
  final Counter guardBrakes;
  final Counter guardStops;
  private final Timer succeededDuration;
  private final Timer failedDuration;
  final DistributionSummary checkpointBytes;
  final Timer checkpointUpload;
  private final AtomicLong deviceInfo = new AtomicLong(1);

  WorkerMetrics(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    if (!STAGE.equals(metrics.stage())) {
      throw new IllegalArgumentException("worker metrics need stage 'worker': " + metrics.stage());
    }
    started = metrics.counter("jobs_started");
    succeeded = metrics.counter("jobs_succeeded");
    failed = metrics.counter("jobs_failed");
    retried = metrics.counter("jobs_retried");
    alreadyForgotten = metrics.counter("jobs_already_forgotten");
    dlfdBatches = metrics.counter("dlfd_batches");
    guardChecks = metrics.counter("guard_checks");
    guardBrakes = metrics.counter("guard_brakes");
    guardStops = metrics.counter("guard_stops");
    succeededDuration = durationTimer("succeeded");
    failedDuration = durationTimer("failed");
    checkpointBytes = metrics.summary("checkpoint", Metrics.Unit.BYTES);
    checkpointUpload = metrics.timer("checkpoint_upload");
  }

  /** Registers the device jobs run on ({@code cpu} or {@code gpu:N}); once, at construction. */
  void device(String name) {
    metrics.gauge("device", Metrics.Unit.INFO, deviceInfo, AtomicLong::get, "device", name);
  }

  /** The service's meters, for the consumer's dead letters and lag. */
  Metrics metrics() {
    return metrics;
  }

  /**
   * Records {@code lethe_worker_checkpoint_bytes} (parameters plus checkpoint manifest of every
   * stored version) and {@code lethe_worker_checkpoint_upload_seconds} (its verified upload).
   */
  UploadListener checkpointUploads() {
    return (modelId, version, bytes, elapsed) -> {
      checkpointBytes.record(bytes);
      checkpointUpload.record(elapsed);
    };
  }

  private Timer durationTimer(String status) {
    String name = Metrics.name(STAGE, "job_duration", Metrics.Unit.SECONDS);
    return Timer.builder(name.substring(0, name.length() - "_seconds".length()))
        .description("Wall-clock duration of unlearning jobs")
        .tag("status", status)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(6))
        .register(metrics.registry());
  }

  /**
   * Counts the utility guard's decisions of a job that made a version ({@code
   * lethe_worker_guard_checks_total}, {@code _brakes_total}, {@code _stops_total}); nothing for a
   * result without a guard report.
   */
  void recordGuard(io.lethe.api.UnlearningResult.Guard guard) {
    if (guard == null) {
      return;
    }
    guardChecks.increment(guard.checks());
    guardBrakes.increment(guard.brakes());
    if (guard.stopped()) {
      guardStops.increment();
    }
  }

  void recordDuration(boolean success, Duration d) {
    (success ? succeededDuration : failedDuration).record(d);
  }

  /** A running job's forgetting score, in millionths (gauges read a number at scrape time). */
  final class ScoreGauge implements AutoCloseable {
    private final AtomicLong micros = new AtomicLong(-1);
    private final Gauge gauge;

    ScoreGauge(String requestId, String modelId) {
      gauge =
          Gauge.builder(
                  Metrics.name(STAGE, "forgetting_score", Metrics.Unit.RATIO),
                  micros,
                  m -> m.get() < 0 ? Double.NaN : m.get() / 1e6)
              .description("Latest forgetting-score estimate |MIA - 0.5| of a running job")
              .tags("request_id", requestId, "model_id", modelId)
              .register(metrics.registry());
    }

    void set(double score) {
      if (!Double.isNaN(score)) {
        micros.set(Math.round(score * 1e6));
      }
    }

    @Override
    public void close() {
      metrics.registry().remove(gauge);
    }
  }
}
