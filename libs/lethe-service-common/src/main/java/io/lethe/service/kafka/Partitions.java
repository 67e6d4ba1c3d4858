package io.lethe.service.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions a {@link ContractConsumer} owns, each with the <em>epoch</em> of its assignment
 * (a partition revoked and assigned again gets a new one, so work handed out under the old one is
 * recognised as stale), and whether the consumer runs at all.
 *
 * <p>Threads: {@link #assign}, {@link #forget}, {@link #epoch} and {@link #isCurrent} are confined
 * to the consumer (poll) thread, which alone changes the assignment; {@link #isLive} is read by the
 * handlers on the Vert.x context and by Failsafe's threads, through a concurrent copy of the owned
 * epochs and the volatile running flag, which {@link ContractConsumer#stop} may clear from any
 * thread.
 */
final class Partitions {
  // Consumer thread.
  private final Map<TopicPartition, Long> epochs = new HashMap<>();
  private long nextEpoch;
  // Any thread: read by handlers to abandon revoked records.
  private final Map<TopicPartition, Long> owned = new ConcurrentHashMap<>();
  private volatile boolean running;

  /** The consumer runs (before its thread starts). */
  void start() {
    running = true;
  }

  /** The consumer stops: no record is live any more (any thread). */
  void stop() {
    running = false;
  }

  /** Whether the consumer runs (any thread). */
  boolean running() {
    return running;
  }

  /** Consumer thread: {@code tp} was assigned; returns its new epoch. */
  long assign(TopicPartition tp) {
    long epoch = nextEpoch++;
    epochs.put(tp, epoch);
    owned.put(tp, epoch);
    return epoch;
  }

  /** Consumer thread: {@code tp} was revoked or lost. */
  void forget(TopicPartition tp) {
    epochs.remove(tp);
    owned.remove(tp);
  }

  /** Consumer thread: the epoch of {@code tp}, null if it is not owned. */
  Long epoch(TopicPartition tp) {
    return epochs.get(tp);
  }

  /** Consumer thread: whether {@code tp} is still owned under {@code epoch}. */
  boolean isCurrent(TopicPartition tp, long epoch) {
    return Objects.equals(epochs.get(tp), epoch);
  }

  /**
   * Any thread: whether a record of {@code tp} handed out under {@code epoch} should still be
   * worked on (the consumer runs and still owns the partition).
   */
  boolean isLive(TopicPartition tp, long epoch) {
    return running && Objects.equals(owned.get(tp), epoch);
  }
}
