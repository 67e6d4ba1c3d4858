package io.lethe.service.kafka;

import io.lethe.service.health.Health;
import io.lethe.service.metrics.Metrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link ContractConsumer} knows about its own health, written by the poll thread and the
 * handlers' context and read by {@code /health} and {@code /metrics} at any time (hence volatile
 * fields and concurrent maps, no locks).
 *
 * <p>Ready means: the poll thread runs, a partition assignment arrived, the poll loop iterates, the
 * consumer is not <em>stalled</em> (records behind, none in a handler, nothing committed for the
 * stall timeout: the symptom of the dead-letter loop that kept {@code /health} UP for 20 minutes),
 * and no record has been failing transiently for longer than the streak limit (a dependency is
 * unreachable: the service cannot do its job, though it rightly keeps the record).
 */
final class ConsumerHealth {
  private final String check;
  private final LongSupplier lag;
  private final LongSupplier clock;
  private final Duration stallTimeout;
  private final Duration streakLimit;

  private final AtomicInteger inFlight = new AtomicInteger();
  // Since when (nanos) each partition's current record has been failing transiently.
  private final Map<TopicPartition, Long> failingSince = new ConcurrentHashMap<>();
  private final Map<TopicPartition, String> lastFailure = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean stoppedOnPurpose;
  private volatile boolean assigned;
  private volatile Thread thread;
  private volatile Throwable died;
  private volatile long lastPoll;
  private volatile long lastProgress;

  ConsumerHealth(
      String topic,
      LongSupplier lag,
      LongSupplier clock,
      Duration stallTimeout,
      Duration streakLimit) {
    this.check = "consumer " + topic;
    this.lag = lag;
    this.clock = clock;
    this.stallTimeout = stallTimeout;
    this.streakLimit = streakLimit;
  }

  void started(Thread t) {
    long now = clock.getAsLong();
    lastPoll = now;
    lastProgress = now;
    thread = t;
    started = true;
  }

  void stopping() {
    stoppedOnPurpose = true;
  }

  void died(Throwable failure) {
    died = failure;
  }

  void assigned() {
    assigned = true;
    lastProgress = clock.getAsLong();
  }

  void polled() {
    lastPoll = clock.getAsLong();
  }

  void committed() {
    lastProgress = clock.getAsLong();
  }

  void recordStarted() {
    inFlight.incrementAndGet();
  }

  void recordFinished(TopicPartition tp) {
    inFlight.decrementAndGet();
    failingSince.remove(tp);
    lastFailure.remove(tp);
    lastProgress = clock.getAsLong();
  }

  void failedTransiently(TopicPartition tp, Throwable failure) {
    failingSince.putIfAbsent(tp, clock.getAsLong());
    lastFailure.put(tp, failure.toString());
  }

  void forget(TopicPartition tp) {
    failingSince.remove(tp);
    lastFailure.remove(tp);
  }

  /** Seconds the consumer has been stalled (see the class comment), 0 when it is not. */
  double stalledSeconds() {
    long now = clock.getAsLong();
    long since = now - lastProgress;
    if (started && !stoppedOnPurpose && lag.getAsLong() > 0 && inFlight.get() == 0) {
      return since >= stallTimeout.toNanos() ? since / 1e9 : 0;
    }
    return 0;
  }

  Health health() {
    Throwable d = died;
    if (d != null && !stoppedOnPurpose) {
      return Health.dead(check, "poll thread died: " + d);
    }
    if (!started) {
      return Health.notReady(check, "not started");
    }
    if (stoppedOnPurpose) {
      return Health.notReady(check, "stopped");
    }
    Thread t = thread;
    if (t == null || !t.isAlive()) {
      return Health.dead(check, "poll thread is not running");
    }
    if (!assigned) {
      return Health.notReady(check, "no partition assignment yet");
    }
    long now = clock.getAsLong();
    if (now - lastPoll > stallTimeout.toNanos()) {
      return Health.notReady(
          check, "poll loop has not iterated for " + seconds(now - lastPoll) + " s");
    }
    double stalled = stalledSeconds();
    if (stalled > 0) {
      return Health.notReady(
          check,
          "stalled: "
              + lag.getAsLong()
              + " records behind, none being handled, nothing committed for "
              + Math.round(stalled)
              + " s");
    }
    for (Map.Entry<TopicPartition, Long> e : failingSince.entrySet()) {
      long failing = now - e.getValue();
      if (failing > streakLimit.toNanos()) {
        return Health.notReady(
            check,
            e.getKey()
                + " failing transiently for "
                + seconds(failing)
                + " s (a dependency is unreachable?): "
                + lastFailure.getOrDefault(e.getKey(), "?"));
      }
    }
    return Health.UP;
  }

  /** {@code lethe_<stage>_consumer_stalled_seconds{topic}}. */
  void register(Metrics metrics, String topic) {
    metrics.gauge(
        "consumer_stalled",
        Metrics.Unit.SECONDS,
        this,
        ConsumerHealth::stalledSeconds,
        "topic",
        topic);
  }

  private static long seconds(long nanos) {
    return nanos / 1_000_000_000L;
  }
}
