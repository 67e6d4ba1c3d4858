package io.lethe.service.kafka;

import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Binds the meters of a {@link ContractConsumer} that count what its listeners hear and read its
 * lag (see {@link ContractConsumer#optMetrics} for the list). Stateless; the counters it registers
 * are thread-safe and the lag is an {@link AtomicLong}.
 */
final class ConsumerMeters {
  private ConsumerMeters() {}

  /**
   * Registers {@code dead_letters}, {@code consumer_lag}, {@code consumer_retries} and {@code
   * consumer_give_ups} for {@code topic}, and adds the listeners that count to the consumer's.
   */
  static void bind(
      Metrics metrics,
      String topic,
      AtomicLong lag,
      List<DeadLetterListener> deadLetterListeners,
      List<RetryListener> retryListeners) {
    Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      counters.put(reason, metrics.counter("dead_letters", "topic", topic, "reason", reason.tag()));
    }
    deadLetterListeners.add((source, reason, violation) -> counters.get(reason).increment());
    metrics.gauge("consumer_lag", Metrics.Unit.RECORDS, lag, AtomicLong::get, "topic", topic);
    Counter retries = metrics.counter("consumer_retries", "topic", topic);
    retryListeners.add((delivery, attempt, failure, delay) -> retries.increment());
    Counter giveUps = metrics.counter("consumer_give_ups", "topic", topic);
    deadLetterListeners.add(
        (source, reason, violation) -> {
          if (reason == DeadLetterReason.GAVE_UP) {
            giveUps.increment();
          }
        });
  }
}
