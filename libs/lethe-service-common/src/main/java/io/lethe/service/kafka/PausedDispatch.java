package io.lethe.service.kafka;

import io.vertx.core.Context;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The default {@link BatchDispatch} of a {@link ContractConsumer}: the partition is paused and its
 * records are handled one after the other, each offset committed when its handler succeeded; when
 * the batch is done the partition is resumed, and a record whose dead letter could not be written
 * is read again after the retry delay ({@link Completions}).
 *
 * <p>{@link #dispatch} runs on the consumer (poll) thread; the handling on the Vert.x context. Its
 * own state is immutable.
 */
final class PausedDispatch<T extends Record> extends BatchDispatch<T> {

  PausedDispatch(
      Context context,
      Partitions partitions,
      RecordHandling<T> records,
      RecordRunner runner,
      Completions completions) {
    super(context, partitions, records, runner, completions);
  }

  @Override
  void dispatch(Consumer<byte[], byte[]> consumer, Batch batch) {
    consumer.pause(List.of(batch.partition()));
    context.runOnContext(v -> handle(batch.partition(), batch.epoch(), batch.records(), 0));
  }

  /** Handles {@code batch[i..]} of one paused partition, one record at a time (Vert.x context). */
  private void handle(
      TopicPartition tp, long epoch, List<ConsumerRecord<byte[], byte[]>> batch, int i) {
    if (i == batch.size()) {
      completions.add(Completion.done(tp, epoch));
      return;
    }
    if (!partitions.isLive(tp, epoch)) {
      return;
    }
    ConsumerRecord<byte[], byte[]> r = batch.get(i);
    runner.run(
        tp,
        epoch,
        r,
        () -> records.process(tp, epoch, r),
        () -> {
          completions.add(Completion.commit(tp, epoch, r.offset() + 1));
          handle(tp, epoch, batch, i + 1);
        },
        // The poll thread rewinds the partition and reads the record again after the delay.
        () -> completions.add(Completion.retry(tp, epoch, r.offset())));
  }
}
