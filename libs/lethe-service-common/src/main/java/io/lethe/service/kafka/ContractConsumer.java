package io.lethe.service.kafka;

import io.lethe.api.Contract;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.metrics.Metrics;
import io.lethe.service.metrics.RuntimeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consumes one topic in a consumer group, validating every record on the way in, at least once.
 *
 * <ul>
 *   <li>A record that breaks its contract is sent <em>unchanged</em> to the dead-letter topic
 *       ({@link Topics#DEAD_LETTERS} by default) with {@code lethe-dlq-reason} and {@code
 *       lethe-dlq-source-topic}; its offset is committed only after the dead letter is acked, so a
 *       crash in between re-reads it rather than losing it.
 *   <li>A valid record goes to the handler; its offset is committed only after the handler's future
 *       succeeds. If the future fails <em>transiently</em> (an outage, as the {@link
 *       #optFailureClassifier classifier} sees it), the handler is called again for the same record
 *       with exponential backoff and jitter ({@link #optRetry RetrySettings}, through Failsafe)
 *       while the partition stays paused and the loop keeps polling: handlers must be idempotent
 *       (the worker checks the registry before unlearning twice). Only after the retry budget is
 *       spent is the record dead-lettered with reason {@code gave_up}.
 *   <li>A valid record whose handler fails <em>permanently</em> is dead-lettered with reason {@code
 *       failed}; one its handler can never process ({@link UnprocessableRecord}) with reason {@code
 *       unprocessable}. Either way it is committed once the dead letter is acked: retrying would
 *       fail the same way and block the partition.
 *   <li>A dead letter that would not fit the dead-letter topic is sent truncated ({@link
 *       DeadLetterWriter}), so a dead letter can never stall the partition either.
 *   <li>A handler that throws an {@link Error} stops the consumer: the JVM is in doubt, and {@link
 *       #health()} reports it not live so that the process is restarted.
 * </ul>
 *
 * <p><b>Long handlers and the group.</b> Kafka evicts a member that does not call {@code poll()}
 * within {@code max.poll.interval.ms}, and re-delivers its records to another member: a
 * multi-minute unlearning job would run twice. So the poll loop never waits for a handler. When
 * records of a partition arrive, the partition is <em>paused</em> and the records are handed to the
 * handler one after the other on the Vert.x context; the loop keeps polling (getting nothing from
 * the paused partition, but proving liveness) and commits each record's offset when its handler
 * reports success; when the batch is done the partition is resumed. Records of one partition are
 * thus handled in order, one at a time; different partitions run concurrently.
 *
 * <p><b>Threads.</b> {@code KafkaConsumer} is single-threaded and {@code poll()} blocks, so the
 * consumer owns a dedicated thread ({@code lethe-consumer-<client id>-<topic>}) for its whole life,
 * rather than a slot of a shared pool. Handlers run on the Vert.x context that called {@link
 * #start()}; a handler with blocking or long work must move it to a worker pool itself and return a
 * future. Completions travel back to the poll thread through a queue: only that thread touches the
 * client.
 *
 * <p><b>Health.</b> {@link #health()} is live while the poll thread runs (or was stopped on
 * purpose) and ready when partitions are assigned, the loop polls, the consumer is not stalled and
 * no record has been failing transiently for longer than {@link #optTransientStreakLimit} (see
 * {@link ConsumerHealth}). Register it with {@code HttpEndpoint.optHealth}, or return it from the
 * service's {@code HealthReporting} component.
 *
 * <p><b>Parts.</b> The poll thread runs the {@link PollLoop}; a {@link BatchDispatch} hands records
 * out, {@link RecordHandling} applies the error policy to each, and {@link Completions} carry the
 * outcomes back to the poll thread.
 *
 * <p><b>Rebalances.</b> When a partition is revoked, offsets of finished records are committed
 * first; a record whose handler is still running is not committed and will be delivered to the new
 * owner (at least once). On {@link #stop()}, in-flight handlers are not awaited, for the same
 * reason.
 */
public final class ContractConsumer<T extends Record> implements Component, HealthReporting {
  /**
   * Default largest dead letter sent whole (key, value, headers): below the broker's default {@code
   * message.max.bytes} (1 MiB), see {@link #optDeadLetterMaxBytes}.
   */
  public static final int DEFAULT_DEAD_LETTER_MAX_BYTES = 1_000_000;

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final MessageCodec codec;
  private final ContractProducer deadLetters;
  private final String topic;
  private final Class<T> type;
  private final Function<Delivery<T>, Future<Void>> handler;
  private final Map<String, Object> overrides = new HashMap<>();
  private String deadLetterTopic = Topics.DEAD_LETTERS;
  private Duration pollTimeout = Duration.ofMillis(100);
  private RetrySettings retry = RetrySettings.DEFAULTS;
  private FailureClassifier classifier = FailureClassifier.defaults();
  private int deadLetterMaxBytes = DEFAULT_DEAD_LETTER_MAX_BYTES;
  private Duration stallTimeout = Duration.ofMinutes(5);
  private Duration streakLimit = Duration.ofMinutes(2);
  private final List<RetryListener> retryListeners = new ArrayList<>();
  private Metrics healthMetrics;
  private Duration startTimeout = Duration.ofSeconds(60);
  private Duration lagInterval = Duration.ofSeconds(10);
  private final List<DeadLetterListener> deadLetterListeners = new ArrayList<>();
  private int maxInFlight; // 0: one record at a time (the default)
  // Records in the assigned partitions not yet committed by this group; read at scrape time.
  private final AtomicLong lag = new AtomicLong();

  // Set by start(), before the poll thread starts; read by stop() and health() on any thread.
  private final Partitions partitions = new Partitions();
  private volatile ConsumerHealth health;
  private volatile RecordHandling<T> records;
  private volatile Thread thread;
  private Promise<Void> stopped;

  /**
   * @param deadLetters where rejected records go; started and stopped by the caller (it is usually
   *     the service's one producer)
   * @param type the record type; its {@link Contract} decides the schema
   * @param handler called for each valid record, one at a time per partition; the offset is
   *     committed when its future succeeds
   */
  public ContractConsumer(
      Vertx vertx,
      KafkaSettings settings,
      MessageCodec codec,
      ContractProducer deadLetters,
      String topic,
      Class<T> type,
      Function<Delivery<T>, Future<Void>> handler) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.type = Objects.requireNonNull(type, "type");
    Contract.of(type); // fails now for a type without a contract
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Dead-letter topic (default {@link Topics#DEAD_LETTERS}). */
  public ContractConsumer<T> optDeadLetterTopic(String deadLetterTopic) {
    this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    return this;
  }

  /**
   * Overrides a consumer property (e.g. {@code max.poll.interval.ms}). Auto-commit cannot be turned
   * on: it would commit records whose handler has not finished.
   */
  public ContractConsumer<T> optProperty(String key, Object value) {
    if (ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG.equals(key)) {
      throw new IllegalArgumentException(key + " is fixed to false (commit after handling)");
    }
    overrides.put(key, value);
    return this;
  }

  /**
   * Pipelined handling: records of a partition are handed to the handler in order <em>without</em>
   * waiting for the previous one's future, and the partition is not paused; offsets are committed
   * up to the first record whose handling has not finished yet. Each record still gets the retry
   * and dead-letter policy on its own while later ones go on. For handlers whose futures complete
   * late but cheaply (the intake's complete when a coalescing window closes): one record at a time,
   * a partition would advance by one record per window. At most {@code maxInFlight} records per
   * partition are outstanding; beyond that the partition is paused until half of them finished.
   * Handlers must be idempotent, as always.
   */
  public ContractConsumer<T> optPipelined(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    return this;
  }

  /** How long one {@code poll()} waits (default 100 ms): also the commit latency. */
  public ContractConsumer<T> optPollTimeout(Duration timeout) {
    this.pollTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * How a transiently failing record is retried and when it is given up on (default {@link
   * RetrySettings#DEFAULTS}: 1 s doubling to 60 s, jitter 0.5, 24 h; a service reads its own with
   * {@link RetrySettings#fromEnv()}).
   */
  public ContractConsumer<T> optRetry(RetrySettings retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /**
   * What counts as transient (default {@link FailureClassifier#defaults()}); a service adds its own
   * outages, e.g. {@code FailureClassifier.defaults().orTransientIfInstanceOf(
   * StoreUnavailableException.class)}.
   */
  public ContractConsumer<T> optFailureClassifier(FailureClassifier classifier) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    return this;
  }

  /**
   * Largest dead letter (estimated key + value + headers) sent whole (default {@value
   * #DEFAULT_DEAD_LETTER_MAX_BYTES}); a bigger one is sent truncated. Keep it below the producer's
   * {@code max.request.size} and the dead-letter topic's {@code max.message.bytes}; a refusal
   * ({@code RecordTooLargeException}) is also answered with a truncated dead letter.
   */
  public ContractConsumer<T> optDeadLetterMaxBytes(int maxBytes) {
    if (maxBytes < 4096) {
      throw new IllegalArgumentException("dead-letter size limit too small: " + maxBytes);
    }
    this.deadLetterMaxBytes = maxBytes;
    return this;
  }

  /**
   * Not ready when records are behind, none is being handled and nothing was committed for this
   * long, or when the poll loop has not iterated for this long (default 5 min).
   */
  public ContractConsumer<T> optStallTimeout(Duration timeout) {
    this.stallTimeout = positive(timeout, "stall timeout");
    return this;
  }

  /**
   * Not ready while a record has been failing transiently for longer than this (default 2 min): the
   * record is kept and retried, but a dependency is down and someone should know.
   */
  public ContractConsumer<T> optTransientStreakLimit(Duration limit) {
    this.streakLimit = positive(limit, "transient streak limit");
    return this;
  }

  /** Also tells {@code listener} about every retry scheduled (see {@link RetryListener}). */
  public ContractConsumer<T> optRetryListener(RetryListener listener) {
    retryListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Liveness and readiness of this consumer (see the class comment). */
  @Override
  public Health health() {
    ConsumerHealth h = health;
    return h == null ? Health.notReady("consumer " + topic, "not started") : h.health();
  }

  /** How long {@link #start()} waits for the first partition assignment (default 60 s). */
  public ContractConsumer<T> optStartTimeout(Duration timeout) {
    this.startTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Also tells {@code listener} about every acked dead letter (see {@link DeadLetterListener}). */
  public ContractConsumer<T> optDeadLetterListener(DeadLetterListener listener) {
    deadLetterListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Registers this consumer's meters in the service's {@code metrics}:
   *
   * <ul>
   *   <li>{@code lethe_<stage>_dead_letters_total{topic,reason}}: records dead-lettered, one series
   *       per {@link DeadLetterReason} (registered at 0, so rates and alerts work before the first
   *       one);
   *   <li>{@code lethe_<stage>_consumer_lag_records{topic}}: records in this member's partitions
   *       that the group has not committed yet (end offset minus committed offset, refreshed every
   *       {@link #optLagInterval(Duration) lag interval}). Computed from offsets rather than the
   *       client's {@code records-lag} because a partition paused during a long job is not fetched,
   *       so the client's own figure would freeze exactly when lag grows;
   *   <li>{@code lethe_<stage>_consumer_retries_total{topic}}: handler calls repeated after a
   *       transient failure; {@code lethe_<stage>_consumer_give_ups_total{topic}}: records
   *       dead-lettered because the retry budget ran out;
   *   <li>{@code lethe_<stage>_consumer_stalled_seconds{topic}}: how long the consumer has been
   *       stalled (records behind, none in a handler, no commit), 0 when it is not;
   *   <li>the client's own {@code kafka_consumer_*} meters ({@link RuntimeMetrics#kafkaClient}),
   *       while the client is open.
   * </ul>
   */
  public ContractConsumer<T> optMetrics(Metrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    ConsumerMeters.bind(metrics, topic, lag, deadLetterListeners, retryListeners);
    healthMetrics = metrics;
    return this;
  }

  /** How often the consumer lag is recomputed (default 10 s; two admin round trips each). */
  public ContractConsumer<T> optLagInterval(Duration interval) {
    this.lagInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** The latest lag figure (see {@link #optMetrics}); 0 before the first computation. */
  public long lag() {
    return lag.get();
  }

  /**
   * Joins the group and completes when the first partition assignment arrived (possibly empty, if
   * there are more members than partitions), i.e. when the consumer really consumes.
   */
  @Override
  public Future<Void> start() {
    if (thread != null) {
      return Future.failedFuture(new IllegalStateException("already started"));
    }
    Context context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    stopped = Promise.promise();
    ConsumerHealth h =
        new ConsumerHealth(topic, lag::get, System::nanoTime, stallTimeout, streakLimit);
    RecordHandling<T> handling =
        RecordHandling.of(
            context,
            codec,
            type,
            handler,
            new DeadLetterWriter(deadLetters, deadLetterTopic, deadLetterMaxBytes),
            deadLetterTopic,
            retry,
            classifier,
            deadLetterListeners,
            retryListeners,
            h,
            partitions::isLive);
    records = handling;
    if (healthMetrics != null) {
      h.register(healthMetrics, topic);
    }
    PollLoop loop =
        new PollLoop(
            topic,
            settings.groupId(),
            ConsumerProperties.of(settings, topic, overrides),
            pollTimeout,
            healthMetrics,
            retry.maxDelay(),
            maxInFlight,
            new ConsumerLag(topic, lag, lagInterval),
            partitions,
            handling,
            h,
            context,
            started,
            stopped);
    partitions.start();
    Thread t = new Thread(loop, "lethe-consumer-" + settings.clientId() + "-" + topic);
    t.setDaemon(true);
    thread = t;
    h.started(t);
    health = h;
    t.start();
    long timer =
        vertx.setTimer(
            startTimeout.toMillis(),
            id ->
                started.tryFail(
                    new IllegalStateException(
                        "no partition assignment for "
                            + topic
                            + " within "
                            + startTimeout
                            + " (is Kafka reachable at "
                            + settings.bootstrapServers()
                            + "?)")));
    return started.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * Leaves the group and closes the client; in-flight handlers are not awaited and pending retries
   * are cancelled (see above).
   */
  @Override
  public Future<Void> stop() {
    if (thread == null) {
      return Future.succeededFuture();
    }
    health.stopping();
    partitions.stop();
    records.cancelAll();
    return stopped.future();
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }
}
