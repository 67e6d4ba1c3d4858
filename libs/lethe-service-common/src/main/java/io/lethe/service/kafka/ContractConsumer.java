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
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p><b>Rebalances.</b> When a partition is revoked, offsets of finished records are committed
 * first; a record whose handler is still running is not committed and will be delivered to the new
 * owner (at least once). On {@link #stop()}, in-flight handlers are not awaited, for the same
 * reason.
 */
public final class ContractConsumer<T extends Record> implements Component, HealthReporting {
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

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
  private volatile ConsumerHealth health;
  private volatile RecordHandling<T> records;
  private Metrics healthMetrics;
  private Duration startTimeout = Duration.ofSeconds(60);
  private Duration lagInterval = Duration.ofSeconds(10);
  private final List<DeadLetterListener> deadLetterListeners = new ArrayList<>();
  // Records in the assigned partitions not yet committed by this group; read at scrape time.
  private final AtomicLong lag = new AtomicLong();
  private long nextLagCheck;

  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  // Poll-thread state.
  private final Map<TopicPartition, Long> epochs = new HashMap<>();
  private final Map<TopicPartition, Long> retryAt = new HashMap<>();
  private final Set<TopicPartition> throttled = new HashSet<>();
  // Pipelined mode: records handed out and not yet finished, per partition (both threads).
  private final Map<TopicPartition, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private int maxInFlight; // 0: one record at a time (the default)
  // Partitions (with their epoch) this member owns: read by handlers to abandon revoked records.
  private final Map<TopicPartition, Long> owned = new ConcurrentHashMap<>();
  private long nextEpoch;

  private volatile boolean running;
  private volatile Thread thread;
  private Context context;
  private Promise<Void> started;
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
    Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      counters.put(reason, metrics.counter("dead_letters", "topic", topic, "reason", reason.tag()));
    }
    deadLetterListeners.add((source, reason, violation) -> counters.get(reason).increment());
    metrics.gauge("consumer_lag", Metrics.Unit.RECORDS, lag, AtomicLong::get, "topic", topic);
    Counter retries = metrics.counter("consumer_retries", "topic", topic);
    retryListeners.add((delivery, attempt, failure, delay) -> retries.increment());
    Counter giveUps = metrics.counter("consumer_give_ups", "topic", topic);
    deadLetterListeners.add(
        (source, reason, violation) -> {
          if (reason == DeadLetterReason.GAVE_UP) {
            giveUps.increment();
          }
        });
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

  Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(settings.clientProperties());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-consumer-" + topic);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(settings.consumerProperties());
    p.putAll(overrides);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
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
    context = vertx.getOrCreateContext();
    started = Promise.promise();
    stopped = Promise.promise();
    ConsumerHealth h =
        new ConsumerHealth(topic, lag::get, System::nanoTime, stallTimeout, streakLimit);
    records =
        new RecordHandling<>(
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
            (tp, epoch) -> running && isOwned(tp, epoch));
    if (healthMetrics != null) {
      h.register(healthMetrics, topic);
    }
    running = true;
    Thread t = new Thread(this::run, "lethe-consumer-" + settings.clientId() + "-" + topic);
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
    running = false;
    records.cancelAll();
    return stopped.future();
  }

  /** {@code kafka_consumer_*} on the service's registry while the client lives (see optMetrics). */
  private AutoCloseable clientMetrics(KafkaConsumer<byte[], byte[]> consumer) {
    Metrics m = healthMetrics;
    return m == null ? () -> {} : RuntimeMetrics.kafkaClient(m, consumer);
  }

  private void run() {
    Throwable failure = null;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties());
        AutoCloseable clientMetrics = clientMetrics(consumer)) {
      consumer.subscribe(List.of(topic), new Listener(consumer));
      nextLagCheck = System.nanoTime();
      while (running) {
        health.polled();
        applyCompletions(consumer);
        resumeRetries(consumer);
        throttle(consumer);
        updateLag(consumer);
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
          Long epoch = epochs.get(tp);
          if (epoch == null) {
            continue; // not ours any more
          }
          if (maxInFlight > 0) {
            inFlight.computeIfAbsent(tp, k -> new AtomicInteger()).addAndGet(batch.size());
            // Decoded and validated here, on the poll thread, beside the handlers on the event loop
            // (which the intake's HTTP adapter shares) rather than before them.
            RecordHandling<T> handling = this.records;
            List<RecordHandling.Decoded<T>> decoded = batch.stream().map(handling::decode).toList();
            context.runOnContext(v -> pipe(tp, epoch, batch, decoded));
          } else {
            consumer.pause(List.of(tp));
            context.runOnContext(v -> handle(tp, epoch, batch, 0));
          }
        }
      }
      applyCompletions(consumer);
    } catch (Throwable e) {
      failure = e;
      health.died(e);
      LOG.error("consumer of {} stopped: {}", topic, e.toString(), e);
    } finally {
      running = false;
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

  /** Handles {@code batch[i..]} of one paused partition, one record at a time (Vert.x context). */
  private void handle(
      TopicPartition tp, long epoch, List<ConsumerRecord<byte[], byte[]>> batch, int i) {
    if (i == batch.size()) {
      completions.add(new Completion(tp, epoch, -1, Completion.Kind.DONE, null));
      return;
    }
    if (!running || !isOwned(tp, epoch)) {
      return;
    }
    ConsumerRecord<byte[], byte[]> r = batch.get(i);
    processOne(
        tp,
        epoch,
        r,
        () -> records.process(tp, epoch, r),
        () -> {
          completions.add(new Completion(tp, epoch, r.offset() + 1, Completion.Kind.COMMIT, null));
          handle(tp, epoch, batch, i + 1);
        },
        // The poll thread rewinds the partition and reads the record again after the delay.
        () -> completions.add(new Completion(tp, epoch, r.offset(), Completion.Kind.RETRY, null)));
  }

  /**
   * Runs one record's handling (Vert.x context) and settles what is common to both modes: a record
   * left to the next owner is dropped, an {@link Error} stops the consumer, and a record whose dead
   * letter could not be written is tried {@code again}; {@code succeeded} gets the rest.
   */
  private void processOne(
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
            completions.add(new Completion(tp, epoch, r.offset(), Completion.Kind.FATAL, fatal));
          } else {
            // Only a dead letter that could not be written gets here.
            LOG.warn(
                "{}-{}@{} could not be dead-lettered, trying it again in {}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                retry.maxDelay(),
                ar.cause().toString(),
                ar.cause());
            again.run();
          }
        });
  }

  // Pipelined mode, Vert.x context: per partition and epoch, offsets handed out and not finished.
  private final Map<TopicPartition, PipelinedOffsets> pipelines = new HashMap<>();

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

  /** Hands every record of {@code batch} to the handler at once (pipelined mode). */
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
    if (!running || !isOwned(tp, offsets.epoch)) {
      return; // stopped or revoked: the next owner re-reads from the last commit
    }
    processOne(
        tp,
        offsets.epoch,
        r,
        () -> records.process(tp, offsets.epoch, r, decoded),
        () -> {
          AtomicInteger n = inFlight.get(tp);
          if (n != null) {
            n.decrementAndGet();
          }
          long commitTo = offsets.finish(r.offset());
          if (commitTo >= 0) {
            completions.add(
                new Completion(tp, offsets.epoch, commitTo, Completion.Kind.COMMIT, null));
          }
        },
        () -> vertx.setTimer(retry.maxDelay().toMillis(), id -> pipeOne(tp, offsets, r, decoded)));
  }

  /** Poll thread, pipelined mode: pauses partitions with too much outstanding, resumes them. */
  private void throttle(KafkaConsumer<byte[], byte[]> consumer) {
    if (maxInFlight == 0) {
      return;
    }
    for (Map.Entry<TopicPartition, AtomicInteger> e : inFlight.entrySet()) {
      TopicPartition tp = e.getKey();
      int n = e.getValue().get();
      if (n >= maxInFlight && epochs.containsKey(tp) && throttled.add(tp)) {
        consumer.pause(List.of(tp));
      } else if (n <= maxInFlight / 2 && throttled.remove(tp) && epochs.containsKey(tp)) {
        consumer.resume(List.of(tp));
      }
    }
  }

  private boolean isOwned(TopicPartition tp, long epoch) {
    return Objects.equals(owned.get(tp), epoch);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /** Poll thread: end offsets minus committed offsets of the assigned partitions, now and then. */
  private void updateLag(KafkaConsumer<byte[], byte[]> consumer) {
    long now = System.nanoTime();
    if (now - nextLagCheck < 0) {
      return;
    }
    nextLagCheck = now + lagInterval.toNanos();
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      lag.set(0);
      return;
    }
    try {
      Duration timeout = Duration.ofSeconds(5);
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, timeout);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, timeout);
      long total = 0;
      for (TopicPartition tp : assigned) {
        Long end = ends.get(tp);
        if (end == null) {
          continue;
        }
        OffsetAndMetadata c = committed.get(tp);
        // Nothing committed yet: the group starts at the beginning (auto.offset.reset=earliest).
        long from =
            c != null ? c.offset() : consumer.beginningOffsets(List.of(tp), timeout).get(tp);
        total += Math.max(0, end - from);
      }
      lag.set(total);
    } catch (KafkaException e) {
      // A slow broker must not stop consumption; the gauge keeps its last value until next time.
      LOG.debug("consumer lag of {} not computed: {}", topic, e.toString());
    }
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** Poll thread: commits finished records, resumes finished partitions, rewinds failed ones. */
  private void applyCompletions(KafkaConsumer<byte[], byte[]> consumer) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    List<TopicPartition> resume = new ArrayList<>();
    Completion c;
    while ((c = completions.poll()) != null) {
      if (!Objects.equals(epochs.get(c.partition()), c.epoch())) {
        continue; // revoked since: the new owner re-reads from the last commit
      }
      switch (c.kind()) {
        case COMMIT -> commits.put(c.partition(), new OffsetAndMetadata(c.offset()));
        case DONE -> resume.add(c.partition());
        case RETRY -> {
          consumer.seek(c.partition(), c.offset());
          retryAt.put(c.partition(), System.nanoTime() + retry.maxDelay().toNanos());
        }
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
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> commits) {
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

  private void resumeRetries(KafkaConsumer<byte[], byte[]> consumer) {
    if (retryAt.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<TopicPartition> due = new ArrayList<>();
    retryAt.entrySet().removeIf(e -> now - e.getValue() >= 0 && due.add(e.getKey()));
    if (!due.isEmpty()) {
      consumer.resume(due);
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> consumer;

    Listener(KafkaConsumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        applyCompletions(consumer); // commit what is finished while we still own it
      } catch (KafkaException e) {
        LOG.warn("commit on revocation failed: {}", e.toString());
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        long epoch = nextEpoch++;
        epochs.put(tp, epoch);
        owned.put(tp, epoch);
      }
      health.assigned();
      LOG.info("{} assigned {}", settings.groupId(), partitions);
      context.runOnContext(v -> started.tryComplete());
    }

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        epochs.remove(tp);
        owned.remove(tp);
        retryAt.remove(tp);
        health.forget(tp);
        records.cancel(tp);
        inFlight.remove(tp);
        throttled.remove(tp);
      }
      LOG.info("{} revoked {}", settings.groupId(), partitions);
    }
  }

  private record Completion(
      TopicPartition partition, long epoch, long offset, Kind kind, Throwable fatal) {
    enum Kind {
      COMMIT,
      DONE,
      RETRY,
      FATAL
    }
  }
}
