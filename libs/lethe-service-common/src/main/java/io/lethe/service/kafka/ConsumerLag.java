package io.lethe.service.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a {@link ContractConsumer}'s lag now and then: end offsets minus committed offsets of
 * the assigned partitions (from offsets rather than the client's {@code records-lag}, which freezes
 * while a partition is paused).
 *
 * <p>Confined to the consumer (poll) thread; it publishes the figure through an {@link AtomicLong}
 * that {@code /metrics} and {@link ContractConsumer#lag()} read from any thread.
 */
final class ConsumerLag {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final String topic;
  private final AtomicLong lag;
  private final Duration interval;
  private long nextCheck;

  ConsumerLag(String topic, AtomicLong lag, Duration interval) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.lag = Objects.requireNonNull(lag, "lag");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /** The first {@link #update} computes at once. */
  void begin() {
    nextCheck = System.nanoTime();
  }

  /** Recomputes the lag if the interval has passed since the last time. */
  void update(Consumer<byte[], byte[]> consumer) {
    long now = System.nanoTime();
    if (now - nextCheck < 0) {
      return;
    }
    nextCheck = now + interval.toNanos();
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      lag.set(0);
      return;
    }
    try {
      Duration timeout = Duration.ofSeconds(5);
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, timeout);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, timeout);
      long total = 0;
      for (TopicPartition tp : assigned) {
        Long end = ends.get(tp);
        if (end == null) {
          continue;
        }
        OffsetAndMetadata c = committed.get(tp);
        // Nothing committed yet: the group starts at the beginning (auto.offset.reset=earliest).
        long from =
            c != null ? c.offset() : consumer.beginningOffsets(List.of(tp), timeout).get(tp);
        total += Math.max(0, end - from);
      }
      lag.set(total);
    } catch (KafkaException e) {
      // A slow broker must not stop consumption; the gauge keeps its last value until next time.
      LOG.debug("consumer lag of {} not computed: {}", topic, e.toString());
    }
  }
}
