package io.lethe.service.kafka;

import io.vertx.core.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipelined {@link BatchDispatch} of a {@link ContractConsumer} ({@link
 * ContractConsumer#optPipelined}): every record of a batch is handed to the handler at once, the
 * partition is not paused (except by the {@link InFlightLimit}), and offsets are committed up to
 * the first record whose handling has not finished yet. A record whose dead letter could not be
 * written is tried again on its own after the retry delay while later ones go on.
 *
 * <p>{@link #dispatch}, {@link #throttle} and {@link #forget} run on the consumer (poll) thread,
 * which also decodes the records (validation runs beside the handlers on the event loop, which the
 * intake's HTTP adapter shares, rather than before them); the handling and the per-partition
 * offsets are confined to the Vert.x context.
 */
final class PipelinedDispatch<T extends Record> extends BatchDispatch<T> {
  private final InFlightLimit limit;
  // Vert.x context: per partition and epoch, offsets handed out and not finished.
  private final Map<TopicPartition, PipelinedOffsets> pipelines = new HashMap<>();

  PipelinedDispatch(
      Context context,
      Partitions partitions,
      RecordHandling<T> records,
      RecordRunner runner,
      Completions completions,
      InFlightLimit limit) {
    super(context, partitions, records, runner, completions);
    this.limit = Objects.requireNonNull(limit, "limit");
  }

  @Override
  void dispatch(Consumer<byte[], byte[]> consumer, Batch batch) {
    List<ConsumerRecord<byte[], byte[]>> polled = batch.records();
    limit.handedOut(batch.partition(), polled.size());
    List<RecordHandling.Decoded<T>> decoded = polled.stream().map(records::decode).toList();
    context.runOnContext(v -> pipe(batch.partition(), batch.epoch(), polled, decoded));
  }

  @Override
  void throttle(Consumer<byte[], byte[]> consumer) {
    limit.throttle(consumer);
  }

  @Override
  void forget(TopicPartition tp) {
    limit.forget(tp);
  }

  /** Pipelined offsets of one partition: commit up to the first unfinished one. */
  private static final class PipelinedOffsets {
    final long epoch;
    final TreeMap<Long, Boolean> outstanding = new TreeMap<>(); // offset -> finished

    PipelinedOffsets(long epoch) {
      this.epoch = epoch;
    }

    /** Marks {@code offset} finished; the offset to commit now, or -1 if the first is not. */
    long finish(long offset) {
      outstanding.put(offset, true);
      long commitTo = -1;
      while (!outstanding.isEmpty() && outstanding.firstEntry().getValue()) {
        commitTo = outstanding.pollFirstEntry().getKey() + 1;
      }
      return commitTo;
    }
  }

  /** Hands every record of {@code batch} to the handler at once (Vert.x context). */
  private void pipe(
      TopicPartition tp,
      long epoch,
      List<ConsumerRecord<byte[], byte[]>> batch,
      List<RecordHandling.Decoded<T>> decoded) {
    PipelinedOffsets offsets = pipelines.get(tp);
    if (offsets == null || offsets.epoch != epoch) {
      offsets = new PipelinedOffsets(epoch);
      pipelines.put(tp, offsets);
    }
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      offsets.outstanding.put(r.offset(), false);
    }
    for (int i = 0; i < batch.size(); i++) {
      pipeOne(tp, offsets, batch.get(i), decoded.get(i));
    }
  }

  private void pipeOne(
      TopicPartition tp,
      PipelinedOffsets offsets,
      ConsumerRecord<byte[], byte[]> r,
      RecordHandling.Decoded<T> decoded) {
    if (!partitions.isLive(tp, offsets.epoch)) {
      return; // stopped or revoked: the next owner re-reads from the last commit
    }
    runner.run(
        tp,
        offsets.epoch,
        r,
        () -> records.process(tp, offsets.epoch, r, decoded),
        () -> {
          limit.finished(tp);
          long commitTo = offsets.finish(r.offset());
          if (commitTo >= 0) {
            completions.add(Completion.commit(tp, offsets.epoch, commitTo));
          }
        },
        () ->
            context
                .owner()
                .setTimer(runner.retryDelay().toMillis(), id -> pipeOne(tp, offsets, r, decoded)));
  }
}
