package io.lethe.service.kafka;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The bound on outstanding records per partition of a pipelined {@link ContractConsumer}: a
 * partition with {@code max} records handed out and not finished is paused until half of them
 * finished.
 *
 * <p>Threads: the counts are concurrent ({@link #handedOut} on the poll thread, {@link #finished}
 * on the handlers' Vert.x context); {@link #throttle}, {@link #forget} and the set of throttled
 * partitions are confined to the consumer (poll) thread.
 */
final class InFlightLimit {
  private final int max;
  private final Partitions partitions;
  // Records handed out and not yet finished, per partition (both threads).
  private final Map<TopicPartition, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  // Consumer thread.
  private final Set<TopicPartition> throttled = new HashSet<>();

  InFlightLimit(int max, Partitions partitions) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + max);
    }
    this.max = max;
    this.partitions = partitions;
  }

  /** Consumer thread: {@code n} more records of {@code tp} are handed out. */
  void handedOut(TopicPartition tp, int n) {
    inFlight.computeIfAbsent(tp, k -> new AtomicInteger()).addAndGet(n);
  }

  /** Vert.x context: one record of {@code tp} finished. */
  void finished(TopicPartition tp) {
    AtomicInteger n = inFlight.get(tp);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  /** Consumer thread: pauses partitions with too much outstanding, resumes them. */
  void throttle(Consumer<byte[], byte[]> consumer) {
    for (Map.Entry<TopicPartition, AtomicInteger> e : inFlight.entrySet()) {
      TopicPartition tp = e.getKey();
      int n = e.getValue().get();
      if (n >= max && partitions.epoch(tp) != null && throttled.add(tp)) {
        consumer.pause(List.of(tp));
      } else if (n <= max / 2 && throttled.remove(tp) && partitions.epoch(tp) != null) {
        consumer.resume(List.of(tp));
      }
    }
  }

  /** Consumer thread: {@code tp} was revoked. */
  void forget(TopicPartition tp) {
    inFlight.remove(tp);
    throttled.remove(tp);
  }
}
