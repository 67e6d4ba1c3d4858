package io.lethe.evaluator;

import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The evaluator's meters ({@code lethe_evaluator_*}): evaluations that passed or failed their
 * gates, failure results skipped, evaluations that could not be made, the evaluation duration, and
 * per model the latest NoMUS and forgetting score (gauges tagged {@code model}).
 */
final class EvaluatorMetrics {
  static final String STAGE = "evaluator";

  private final Metrics metrics;
  final Counter passed;
  final Counter failed;
  final Counter skippedFailures;
  final Counter errors;
  final Timer duration;
  private final Map<String, AtomicLong> nomus = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> forgettingScore = new ConcurrentHashMap<>();

  EvaluatorMetrics(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    if (!STAGE.equals(metrics.stage())) {
      throw new IllegalArgumentException(
          "evaluator metrics need stage 'evaluator': " + metrics.stage());
    }
    passed = metrics.counter("evaluations_passed");
    failed = metrics.counter("evaluations_failed");
    skippedFailures = metrics.counter("failure_results_skipped");
    errors = metrics.counter("evaluation_errors");
    duration = metrics.timer("evaluation_duration");
  }

  /** The service's meters, for the consumer's dead letters and lag. */
  Metrics metrics() {
    return metrics;
  }

  void recordDuration(Duration d) {
    duration.record(d);
  }

  /** The latest evaluated NoMUS and forgetting score of {@code model}. */
  void latest(String model, double nomusValue, double score) {
    gauge(nomus, "latest_nomus", model).set(Double.doubleToLongBits(nomusValue));
    gauge(forgettingScore, "latest_forgetting_score", model).set(Double.doubleToLongBits(score));
  }

  private AtomicLong gauge(Map<String, AtomicLong> gauges, String what, String model) {
    return gauges.computeIfAbsent(
        model,
        m ->
            metrics.gauge(
                what,
                Metrics.Unit.RATIO,
                new AtomicLong(Double.doubleToLongBits(Double.NaN)),
                a -> Double.longBitsToDouble(a.get()),
                "model",
                m));
  }
}
