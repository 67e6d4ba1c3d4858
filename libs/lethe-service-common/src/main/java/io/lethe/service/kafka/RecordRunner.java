package io.lethe.service.kafka;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one record's handling for either dispatch mode of a {@link ContractConsumer} and settles
 * what is common to both: the record counts as in a handler for {@link ConsumerHealth}, a record
 * left to the next owner is dropped, an {@link Error} stops the consumer (through {@link
 * Completions}), and a record whose dead letter could not be written is tried again; the mode gets
 * the rest.
 *
 * <p>Runs on the consumer's Vert.x context; its own state is immutable.
 */
final class RecordRunner {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final ConsumerHealth health;
  private final Completions completions;
  private final Duration retryDelay;

  /**
   * @param retryDelay how long a record whose dead letter failed waits before it is tried again
   */
  RecordRunner(ConsumerHealth health, Completions completions, Duration retryDelay) {
    this.health = Objects.requireNonNull(health, "health");
    this.completions = Objects.requireNonNull(completions, "completions");
    this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
  }

  Duration retryDelay() {
    return retryDelay;
  }

  /**
   * Runs {@code attempt} for {@code r}; {@code succeeded} when it may be committed, {@code again}
   * when its dead letter could not be written.
   */
  void run(
      TopicPartition tp,
      long epoch,
      ConsumerRecord<byte[], byte[]> r,
      Supplier<Future<Void>> attempt,
      Runnable succeeded,
      Runnable again) {
    health.recordStarted();
    Future<Void> outcome;
    try {
      outcome = attempt.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(
        ar -> {
          health.recordFinished(tp);
          if (ar.succeeded()) {
            succeeded.run();
          } else if (RecordHandling.isAbandoned(ar.cause())) {
            LOG.info(
                "{}-{}@{} abandoned (revoked or stopping): the next owner re-reads it",
                r.topic(),
                r.partition(),
                r.offset());
          } else if (ar.cause() instanceof Error fatal) {
            completions.add(Completion.fatal(tp, epoch, r.offset(), fatal));
          } else {
            // Only a dead letter that could not be written gets here.
            LOG.warn(
                "{}-{}@{} could not be dead-lettered, trying it again in {}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                retryDelay,
                ar.cause().toString(),
                ar.cause());
            again.run();
          }
        });
  }
}
