package io.lethe.service.kafka;

import java.util.Collection;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the partition assignment of a {@link ContractConsumer}: an assigned partition gets a new
 * epoch ({@link Partitions}); before a partition is revoked, the offsets of finished records are
 * committed while it is still owned; a revoked or lost partition is forgotten everywhere, and a
 * record whose handler is still running is left to the new owner.
 *
 * <p>Confined to the consumer (poll) thread: the client calls it from inside {@code poll()}.
 */
final class Rebalancing implements ConsumerRebalanceListener {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final Consumer<byte[], byte[]> consumer;
  private final String groupId;
  private final Partitions partitions;
  private final Completions completions;
  private final ConsumerHealth health;
  private final Runnable assigned;
  private final java.util.function.Consumer<TopicPartition> forget;

  /**
   * @param assigned run after each assignment
   * @param forget forgets the rest of what is kept about a revoked partition
   */
  Rebalancing(
      Consumer<byte[], byte[]> consumer,
      String groupId,
      Partitions partitions,
      Completions completions,
      ConsumerHealth health,
      Runnable assigned,
      java.util.function.Consumer<TopicPartition> forget) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.groupId = groupId;
    this.partitions = Objects.requireNonNull(partitions, "partitions");
    this.completions = Objects.requireNonNull(completions, "completions");
    this.health = Objects.requireNonNull(health, "health");
    this.assigned = Objects.requireNonNull(assigned, "assigned");
    this.forget = Objects.requireNonNull(forget, "forget");
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
    try {
      completions.apply(consumer); // commit what is finished while we still own it
    } catch (KafkaException e) {
      LOG.warn("commit on revocation failed: {}", e.toString());
    }
    forget(revoked);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> lost) {
    forget(lost);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> added) {
    for (TopicPartition tp : added) {
      partitions.assign(tp);
    }
    health.assigned();
    LOG.info("{} assigned {}", groupId, added);
    assigned.run();
  }

  private void forget(Collection<TopicPartition> gone) {
    for (TopicPartition tp : gone) {
      partitions.forget(tp);
      forget.accept(tp);
    }
    LOG.info("{} revoked {}", groupId, gone);
  }
}
