package io.lethe.service.kafka;

import io.lethe.service.metrics.Metrics;
import io.lethe.service.metrics.RuntimeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a {@link ContractConsumer}'s own thread, with the parts it drives: creates the
 * client, subscribes, and polls until the consumer stops, never waiting for a handler. Each
 * iteration proves liveness to {@link ConsumerHealth}, applies the handlers' {@link Completions},
 * resumes partitions whose retry is due ({@link RetryPauses}), lets the {@link BatchDispatch}
 * throttle, refreshes the {@link ConsumerLag}, polls, and hands each partition's batch to the
 * dispatch. When the loop ends (stopped, or a failure: then the consumer reports itself dead)
 * pending retries are cancelled and the consumer's start and stop futures are settled on its Vert.x
 * context.
 *
 * <p>Confined to the consumer (poll) thread: only it touches the {@code KafkaConsumer}, which is
 * single-threaded.
 */
final class PollLoop implements Runnable {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final String topic;
  private final String groupId;
  private final Map<String, Object> properties;
  private final Duration pollTimeout;
  private final Metrics metrics;
  private final Partitions partitions;
  private final Completions completions;
  private final RetryPauses pauses;
  private final ConsumerLag lag;
  private final BatchDispatch<?> dispatch;
  private final RecordHandling<?> records;
  private final ConsumerHealth health;
  private final Context context;
  private final Promise<Void> started;
  private final Promise<Void> stopped;

  /**
   * @param metrics where the client's own meters go while it lives, or null
   * @param retryDelay how long a record whose dead letter could not be written waits
   * @param maxInFlight records per partition handed out at once ({@link
   *     ContractConsumer#optPipelined}), 0 for one at a time
   * @param started completed on {@code context} at the first assignment, failed if the loop ends
   *     before
   * @param stopped completed on {@code context} when the loop has ended
   */
  PollLoop(
      String topic,
      String groupId,
      Map<String, Object> properties,
      Duration pollTimeout,
      Metrics metrics,
      Duration retryDelay,
      int maxInFlight,
      ConsumerLag lag,
      Partitions partitions,
      RecordHandling<?> records,
      ConsumerHealth health,
      Context context,
      Promise<Void> started,
      Promise<Void> stopped) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.groupId = groupId;
    this.properties = Objects.requireNonNull(properties, "properties");
    this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    this.metrics = metrics;
    this.partitions = Objects.requireNonNull(partitions, "partitions");
    this.lag = Objects.requireNonNull(lag, "lag");
    this.records = Objects.requireNonNull(records, "records");
    this.health = Objects.requireNonNull(health, "health");
    this.context = Objects.requireNonNull(context, "context");
    this.pauses = new RetryPauses(retryDelay);
    this.completions = new Completions(topic, partitions, pauses, health);
    this.dispatch =
        BatchDispatch.of(
            maxInFlight,
            context,
            partitions,
            records,
            new RecordRunner(health, completions, retryDelay),
            completions);
    this.started = Objects.requireNonNull(started, "started");
    this.stopped = Objects.requireNonNull(stopped, "stopped");
  }

  @Override
  public void run() {
    Throwable failure = null;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties);
        AutoCloseable clientMetrics = clientMetrics(consumer)) {
      consumer.subscribe(List.of(topic), rebalancing(consumer));
      lag.begin();
      while (partitions.running()) {
        health.polled();
        completions.apply(consumer);
        pauses.resumeDue(consumer);
        dispatch.throttle(consumer);
        lag.update(consumer);
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(pollTimeout);
        for (TopicPartition tp : polled.partitions()) {
          Long epoch = partitions.epoch(tp);
          if (epoch == null) {
            continue; // not ours any more
          }
          dispatch.dispatch(consumer, new BatchDispatch.Batch(tp, epoch, polled.records(tp)));
        }
      }
      completions.apply(consumer);
    } catch (Throwable e) {
      failure = e;
      health.died(e);
      LOG.error("consumer of {} stopped: {}", topic, e.toString(), e);
    } finally {
      partitions.stop();
      records.cancelAll();
      Throwable f = failure;
      context.runOnContext(
          v -> {
            if (f != null) {
              started.tryFail(f);
            } else {
              started.tryFail(new IllegalStateException("stopped before it started"));
            }
            stopped.tryComplete();
          });
    }
  }

  private Rebalancing rebalancing(KafkaConsumer<byte[], byte[]> consumer) {
    return new Rebalancing(
        consumer,
        groupId,
        partitions,
        completions,
        health,
        () -> context.runOnContext(v -> started.tryComplete()),
        tp -> {
          pauses.forget(tp);
          health.forget(tp);
          records.cancel(tp);
          dispatch.forget(tp);
        });
  }

  /** {@code kafka_consumer_*} on the service's registry while the client lives. */
  private AutoCloseable clientMetrics(KafkaConsumer<byte[], byte[]> consumer) {
    return metrics == null ? () -> {} : RuntimeMetrics.kafkaClient(metrics, consumer);
  }
}
