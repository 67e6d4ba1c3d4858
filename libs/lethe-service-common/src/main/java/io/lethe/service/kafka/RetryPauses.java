package io.lethe.service.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Partitions of a {@link ContractConsumer} rewound to a record that must be read again (its dead
 * letter could not be written) and kept paused until the retry delay has passed.
 *
 * <p>Confined to the consumer (poll) thread.
 */
final class RetryPauses {
  private final Duration delay;
  private final Map<TopicPartition, Long> retryAt = new HashMap<>();

  RetryPauses(Duration delay) {
    this.delay = Objects.requireNonNull(delay, "delay");
  }

  /** Rewinds the paused {@code tp} to {@code offset}, to be resumed after the delay. */
  void retryLater(Consumer<byte[], byte[]> consumer, TopicPartition tp, long offset) {
    consumer.seek(tp, offset);
    retryAt.put(tp, System.nanoTime() + delay.toNanos());
  }

  /** Resumes the partitions whose delay has passed. */
  void resumeDue(Consumer<byte[], byte[]> consumer) {
    if (retryAt.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<TopicPartition> due = new ArrayList<>();
    retryAt.entrySet().removeIf(e -> now - e.getValue() >= 0 && due.add(e.getKey()));
    if (!due.isEmpty()) {
      consumer.resume(due);
    }
  }

  /** {@code tp} was revoked. */
  void forget(TopicPartition tp) {
    retryAt.remove(tp);
  }
}
