package io.lethe.service.stage;

import io.lethe.api.MessageCodec;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.kafka.RetryListener;
import io.lethe.service.logging.LogContext;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One pipeline stage: consume a topic → run each record's {@link StageJob} on a named, sized worker
 * pool (never on the event loop) → produce its output → commit the input once the output is acked.
 * The worker and the evaluator are this plus their job; what they share lives here once:
 *
 * <ul>
 *   <li><b>Nothing lost.</b> The input is committed only after the output is durable (or the job
 *       decided there is nothing to produce, or the input was dead-lettered). A redelivered input
 *       must be recognised by the job (e.g. by request id in the registry).
 *   <li><b>One error policy.</b> A failure of the job is classified by the {@link
 *       #optFailureClassifier classifier}: transient ones are retried by the {@link
 *       ContractConsumer} with backoff ({@link #optRetry}) while the partition stays paused;
 *       permanent ones go to {@link StageJob#failed}, which answers with an output or lets the
 *       input be dead-lettered. A failure to produce the output is classified the same way.
 *   <li><b>Metrics and health.</b> The consumer's meters go to the stage's {@link Metrics}; {@link
 *       #health()} is the consumer's.
 * </ul>
 *
 * <p>{@link #start()} first runs the {@link #optSetup setup} on the pool (connecting to the
 * registry, say), then starts the producer and the consumer; it completes once partitions are
 * assigned.
 *
 * @param <I> the input record type
 * @param <O> the output record type
 */
public final class Stage<I extends Record, O extends Record> implements Component, HealthReporting {
  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final Metrics metrics;
  private final String topic;
  private final Class<I> inputType;
  private final String poolName;
  private final int poolSize;
  private final Function<Delivery<I>, StageJob<O>> jobs;
  private final MessageCodec codec = new MessageCodec();
  private final List<RetryListener> retryListeners = new ArrayList<>();
  private Duration maxExecuteTime = Duration.ofHours(24);
  private RetrySettings retry = RetrySettings.DEFAULTS;
  private FailureClassifier classifier = FailureClassifier.defaults();
  private Callable<?> setup = () -> null;
  private Consumer<ContractConsumer<I>> consumerOptions = c -> {};
  private String outputTopic;

  private WorkerExecutor pool;
  private ContractProducer producer;
  private ContractConsumer<I> consumer;

  /**
   * @param kafka brokers and the stage's consumer group
   * @param metrics the stage's meters (the consumer's are added to them)
   * @param topic what the stage consumes
   * @param inputType the contract type of {@code topic}'s records
   * @param poolName the worker pool's name (thread names, blocked-thread warnings)
   * @param poolSize how many jobs may run at once
   * @param jobs makes the job of one delivery, on the Vert.x context (cheap: the work is in {@link
   *     StageJob#run()})
   */
  public Stage(
      Vertx vertx,
      KafkaSettings kafka,
      Metrics metrics,
      String topic,
      Class<I> inputType,
      String poolName,
      int poolSize,
      Function<Delivery<I>, StageJob<O>> jobs) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.inputType = Objects.requireNonNull(inputType, "inputType");
    this.poolName = Objects.requireNonNull(poolName, "poolName");
    if (poolSize < 1) {
      throw new IllegalArgumentException("pool size must be positive: " + poolSize);
    }
    this.poolSize = poolSize;
    this.jobs = Objects.requireNonNull(jobs, "jobs");
  }

  /** Longest expected job: no blocked-thread warnings below it (default 24 h). */
  public Stage<I, O> optMaxExecuteTime(Duration max) {
    this.maxExecuteTime = Objects.requireNonNull(max, "max");
    return this;
  }

  /** How transient failures are retried (default {@link RetrySettings#DEFAULTS}). */
  public Stage<I, O> optRetry(RetrySettings retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /** What is transient (default {@link FailureClassifier#defaults()}). */
  public Stage<I, O> optFailureClassifier(FailureClassifier classifier) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    return this;
  }

  /** Told about every retry the consumer schedules (e.g. a "jobs retried" counter). */
  public Stage<I, O> optRetryListener(RetryListener listener) {
    retryListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Blocking set-up run on the pool before Kafka is touched (e.g. opening the registry). */
  public Stage<I, O> optSetup(Callable<?> setup) {
    this.setup = Objects.requireNonNull(setup, "setup");
    return this;
  }

  /** Another output topic than the output contract's (tests isolate their runs this way). */
  public Stage<I, O> optOutputTopic(String topic) {
    this.outputTopic = Objects.requireNonNull(topic, "topic");
    return this;
  }

  /** Further consumer options (a test's topics, timeouts), applied before it starts. */
  public Stage<I, O> optConsumer(Consumer<ContractConsumer<I>> options) {
    this.consumerOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * The shared producer (e.g. for advisory side records such as job progress); null before start.
   */
  public ContractProducer producer() {
    return producer;
  }

  @Override
  public Future<Void> start() {
    pool =
        vertx.createSharedWorkerExecutor(
            poolName, poolSize, maxExecuteTime.toMillis(), TimeUnit.MILLISECONDS);
    producer = new ContractProducer(vertx, kafka, codec).optMetrics(metrics);
    return pool.executeBlocking(setup, false)
        .compose(v -> producer.start())
        .compose(
            v -> {
              consumer =
                  new ContractConsumer<>(
                          vertx, kafka, codec, producer, topic, inputType, this::handle)
                      .optMetrics(metrics)
                      .optRetry(retry)
                      .optFailureClassifier(classifier);
              retryListeners.forEach(consumer::optRetryListener);
              consumerOptions.accept(consumer);
              return consumer.start();
            });
  }

  @Override
  public Future<Void> stop() {
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.stop();
    return c.eventually(() -> producer == null ? Future.succeededFuture() : producer.stop())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  @Override
  public Health health() {
    ContractConsumer<I> c = consumer;
    return c == null ? Health.notReady("consumer " + topic, "not started") : c.health();
  }

  private Future<Void> handle(Delivery<I> delivery) {
    StageJob<O> job;
    try (LogContext ids =
        LogContext.ofRecord(delivery.value(), delivery.correlationId().orElse(null))) {
      job = jobs.apply(delivery);
    }
    // The job runs on the stage's pool: its log lines carry the request and correlation ids.
    Future<Output<O>> output =
        pool.<Output<O>>executeBlocking(
                () -> {
                  try (LogContext ids =
                      LogContext.ofRecord(
                          delivery.value(), delivery.correlationId().orElse(null))) {
                    return job.run();
                  }
                },
                false)
            .recover(
                failure -> {
                  if (classifier.isTransient(failure)) {
                    job.failedTransiently(failure);
                    return Future.failedFuture(failure);
                  }
                  try {
                    return Future.succeededFuture(job.failed(failure));
                  } catch (Exception e) {
                    return Future.failedFuture(e);
                  }
                });
    return output
        .compose(
            out ->
                out == null
                    ? Future.<Void>succeededFuture()
                    : send(out)
                        .map(
                            metadata -> {
                              job.produced(
                                  out,
                                  new Produced(
                                      metadata.topic(), metadata.partition(), metadata.offset()));
                              return (Void) null;
                            }))
        .onComplete(ar -> job.finished());
  }

  private Future<org.apache.kafka.clients.producer.RecordMetadata> send(Output<O> out) {
    return outputTopic == null
        ? producer.send(out.contract(), out.key(), out.record(), out.correlationId())
        : producer.send(outputTopic, out.contract(), out.key(), out.record(), out.correlationId());
  }
}
