package io.lethe.service.kafka;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.lethe.api.ContractViolation;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the dead letter of one record of a {@link ContractConsumer} through its {@link
 * DeadLetterWriter}, retrying transient send failures without limit (the record is committed only
 * after it, so giving up would block the partition), and tells the {@link DeadLetterListener}s once
 * it is acked.
 *
 * <p>Called on the consumer's Vert.x context; the sends run there too ({@link ContextHop}), only
 * Failsafe's delays run on its scheduler thread. Its state is immutable.
 */
final class DeadLetterPublisher {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final ContextHop hop;
  private final DeadLetterWriter writer;
  private final RetrySettings retry;
  private final FailureClassifier classifier;
  private final List<DeadLetterListener> listeners;

  DeadLetterPublisher(
      ContextHop hop,
      DeadLetterWriter writer,
      RetrySettings retry,
      FailureClassifier classifier,
      List<DeadLetterListener> listeners) {
    this.hop = Objects.requireNonNull(hop, "hop");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Writes {@code r}'s dead letter; succeeds once it is acked, fails if the send fails permanently
   * or the record was abandoned meanwhile.
   */
  Future<Void> publish(
      TopicPartition tp,
      long epoch,
      ConsumerRecord<byte[], byte[]> r,
      DeadLetterReason reason,
      ContractViolation violation) {
    String why = violation.reason(ContractProducer.MAX_REASON_CHARS);
    RetryPolicy<Boolean> policy =
        RetryPolicy.<Boolean>builder()
            .handleIf(f -> classifier.isTransient(f))
            .withBackoff(retry.initialDelay(), retry.maxDelay())
            .withJitter(retry.jitter())
            .withMaxRetries(-1)
            .onRetryScheduled(
                e ->
                    LOG.warn(
                        "dead letter of {}-{}@{} not sent, retrying in {}: {}",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getDelay(),
                        e.getLastException().toString()))
            .build();
    CompletableFuture<Boolean> execution =
        Failsafe.with(policy)
            .getStageAsync(() -> hop.attempt(tp, epoch, () -> writer.send(r, why)));
    return hop.settle(execution, () -> {})
        .map(
            truncated -> {
              tellListeners(r.topic(), reason, violation);
              return null;
            });
  }

  private void tellListeners(
      String sourceTopic, DeadLetterReason reason, ContractViolation violation) {
    for (DeadLetterListener listener : listeners) {
      try {
        listener.deadLettered(sourceTopic, reason, violation);
      } catch (RuntimeException e) {
        // A listener (a metric) must never turn an acked dead letter into a retry.
        LOG.warn("dead-letter listener failed: {}", e.toString(), e);
      }
    }
  }
}
