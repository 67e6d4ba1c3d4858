package io.lethe.service.kafka;

import io.vertx.core.Context;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How a {@link ContractConsumer} hands the records polled from one partition to its handler: one at
 * a time with the partition paused ({@link PausedDispatch}, the default) or pipelined ({@link
 * PipelinedDispatch}); either way each record goes through the {@link RecordRunner} and the
 * outcomes go back to the poll thread through {@link Completions}.
 *
 * <p>The methods here are called on the consumer (poll) thread; implementations move the handling
 * itself to the Vert.x {@link #context}. The fields are immutable.
 */
abstract class BatchDispatch<T extends Record> {
  protected final Context context;
  protected final Partitions partitions;
  protected final RecordHandling<T> records;
  protected final RecordRunner runner;
  protected final Completions completions;

  BatchDispatch(
      Context context,
      Partitions partitions,
      RecordHandling<T> records,
      RecordRunner runner,
      Completions completions) {
    this.context = Objects.requireNonNull(context, "context");
    this.partitions = Objects.requireNonNull(partitions, "partitions");
    this.records = Objects.requireNonNull(records, "records");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.completions = Objects.requireNonNull(completions, "completions");
  }

  /**
   * The dispatch for {@code maxInFlight} ({@link ContractConsumer#optPipelined}; 0: one record at a
   * time).
   */
  static <T extends Record> BatchDispatch<T> of(
      int maxInFlight,
      Context context,
      Partitions partitions,
      RecordHandling<T> records,
      RecordRunner runner,
      Completions completions) {
    return maxInFlight > 0
        ? new PipelinedDispatch<>(
            context,
            partitions,
            records,
            runner,
            completions,
            new InFlightLimit(maxInFlight, partitions))
        : new PausedDispatch<>(context, partitions, records, runner, completions);
  }

  /** Records polled from {@code partition}, owned under {@code epoch} ({@link Partitions}). */
  record Batch(
      TopicPartition partition, long epoch, List<ConsumerRecord<byte[], byte[]>> records) {}

  /** Hands {@code batch} to the handler. */
  abstract void dispatch(Consumer<byte[], byte[]> consumer, Batch batch);

  /** Pauses or resumes partitions by what is outstanding; called once per poll. */
  void throttle(Consumer<byte[], byte[]> consumer) {}

  /** {@code tp} was revoked. */
  void forget(TopicPartition tp) {}
}
