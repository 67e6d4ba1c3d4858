package io.lethe.service.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries what the handlers finished from the Vert.x context to the poll thread of a {@link
 * ContractConsumer}, which alone may touch the client, and applies it there: commits finished
 * offsets, resumes partitions whose batch is done, rewinds partitions whose record must be read
 * again ({@link RetryPauses}), and stops the consumer on a handler's {@link Error}. A completion of
 * a partition revoked since it was handed out is dropped: the new owner re-reads from the last
 * commit.
 *
 * <p>Threads: {@link #add} from any thread (the handlers' context) into a concurrent queue; {@link
 * #apply} is confined to the consumer (poll) thread.
 */
final class Completions {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final String topic;
  private final Partitions partitions;
  private final RetryPauses pauses;
  private final ConsumerHealth health;
  private final ConcurrentLinkedQueue<Completion> queue = new ConcurrentLinkedQueue<>();

  Completions(String topic, Partitions partitions, RetryPauses pauses, ConsumerHealth health) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partitions = Objects.requireNonNull(partitions, "partitions");
    this.pauses = Objects.requireNonNull(pauses, "pauses");
    this.health = Objects.requireNonNull(health, "health");
  }

  /** Any thread: hands {@code c} to the poll thread. */
  void add(Completion c) {
    queue.add(c);
  }

  /**
   * Consumer thread: commits finished records, resumes finished partitions, rewinds failed ones.
   *
   * @throws IllegalStateException when a handler threw an {@link Error} (after committing what
   *     finished before it)
   */
  void apply(Consumer<byte[], byte[]> consumer) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    List<TopicPartition> resume = new ArrayList<>();
    Completion c;
    while ((c = queue.poll()) != null) {
      if (!partitions.isCurrent(c.partition(), c.epoch())) {
        continue; // revoked since: the new owner re-reads from the last commit
      }
      switch (c.kind()) {
        case COMMIT -> commits.put(c.partition(), new OffsetAndMetadata(c.offset()));
        case DONE -> resume.add(c.partition());
        case RETRY -> pauses.retryLater(consumer, c.partition(), c.offset());
        case FATAL -> {
          commitSync(consumer, commits); // what finished before is done
          throw new IllegalStateException(
              "a handler of " + topic + " threw " + c.fatal() + ": stopping the consumer",
              c.fatal());
        }
      }
    }
    commitSync(consumer, commits);
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private void commitSync(
      Consumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> commits) {
    if (commits.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(commits);
      health.committed();
    } catch (CommitFailedException e) {
      LOG.warn("commit of {} failed (rebalanced?): {}", commits, e.toString());
    }
    commits.clear();
  }
}
