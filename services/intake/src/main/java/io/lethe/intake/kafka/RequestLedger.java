package io.lethe.intake.kafka;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.api.RequestState;
import io.lethe.api.RequestState.State;
import io.lethe.intake.core.Ledger;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.health.Health;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.LedgerTopic;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake's durable memory: a compacted Kafka topic ({@link io.lethe.api.Topics#INTAKE_LEDGER})
 * of {@link RequestState}s keyed by request id. It is what makes idempotency keys and request
 * status survive restarts and what intake replicas share.
 *
 * <p><b>Why a compacted topic, not S3.</b> Every intake already depends on Kafka and on nothing
 * else for its correctness; a record per forget request (not per event) costs one produce per
 * window, with {@code acks=all} and idempotence like every other record; compaction keeps the
 * latest state of each request for ever; and every replica can read the whole topic, at start-up
 * and then continuously, so a status or an idempotency key recorded by one replica is seen by the
 * others within a poll. S3 would give conditional writes per key but a round trip per event.
 *
 * <p><b>Reading.</b> {@link #start()} creates the topic if it is missing (compacted), reads it from
 * the beginning to its end offsets and completes only then: an intake never answers from a partial
 * memory. A dedicated thread then keeps tailing it. The view is a map request id → latest state and
 * an index idempotency key → request ids; a terminal state ({@code emitted}, {@code failed}) is
 * never replaced by an older {@code emitting} (records of one request arrive in order, but a local
 * acknowledgement may be applied before the tail catches up).
 *
 * <p><b>Cost.</b> The view holds every request ever recorded (a few hundred bytes plus the keys):
 * about 100 MB per million requests. The topic is {@code compact,delete} with a retention of {@link
 * LedgerTopic#RETENTION} (its records name subjects; see there); keys older than that are forgotten
 * and a repeat of one is treated as new (the worker still finds an existing version by request id
 * only).
 */
public final class RequestLedger implements Component, Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(RequestLedger.class);
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final MessageCodec codec;
  private final String topic;
  private final Map<String, RequestState> byRequest = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byKey = new ConcurrentHashMap<>();
  // Marks this replica's own records: the tail skips them (they were applied on acknowledgement)
  // instead of decoding and validating every request twice.
  private final byte[] writer = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
  private static final String WRITER_HEADER = "lethe-intake-writer";

  private volatile boolean running;
  private volatile boolean stopping;
  private final ContractProducer producer;
  private Thread tail;
  private Context context;
  private Promise<Void> caughtUp;
  private Promise<Void> stopped;
  private List<RequestState> unfinishedAtStart = List.of();

  /**
   * @param producer writes the ledger's records; started and stopped by the caller (the intake's
   *     one producer)
   */
  public RequestLedger(
      Vertx vertx,
      KafkaSettings settings,
      MessageCodec codec,
      ContractProducer producer,
      String topic) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /** Creates the topic if needed, reads it to its end, then keeps tailing it. */
  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    caughtUp = Promise.promise();
    stopped = Promise.promise();
    running = true;
    Thread t = new Thread(this::run, "lethe-intake-ledger-" + settings.clientId());
    t.setDaemon(true);
    tail = t;
    t.start();
    return caughtUp.future();
  }

  @Override
  public Future<Void> stop() {
    if (tail == null) {
      return Future.succeededFuture();
    }
    stopping = true;
    running = false;
    return stopped.future();
  }

  /**
   * Writes {@code state} durably (all in-sync replicas) and applies it to this replica's view.
   * Completes on the caller's context.
   */
  @Override
  public Future<Void> record(RequestState state) {
    return producer
        .send(
            topic,
            Contract.REQUEST_STATE,
            state.requestId(),
            state,
            state.request().correlationId(),
            Map.of(WRITER_HEADER, writer))
        .onSuccess(md -> apply(state))
        .mapEmpty();
  }

  /** The latest state of {@code requestId}, if it was ever recorded. */
  @Override
  public Optional<RequestState> request(String requestId) {
    return Optional.ofNullable(byRequest.get(requestId));
  }

  /** Every recorded request that coalesced an event with {@code idempotencyKey}, oldest first. */
  @Override
  public List<RequestState> byKey(String idempotencyKey) {
    Set<String> ids = byKey.get(idempotencyKey);
    if (ids == null) {
      return List.of();
    }
    return ids.stream()
        .map(byRequest::get)
        .filter(Objects::nonNull)
        .sorted(Comparator.comparing(RequestState::updatedAt))
        .collect(Collectors.toList());
  }

  /** The requests recorded as {@code emitting} but never as sent when this replica started. */
  public List<RequestState> unfinishedAtStart() {
    return unfinishedAtStart;
  }

  /**
   * Live while the tailing thread runs (or was stopped on purpose); ready once the ledger was read
   * to its end. A dead tail means this replica no longer sees other replicas' keys: not live.
   */
  public Health health() {
    String check = "ledger " + topic;
    if (stopping) {
      return Health.notReady(check, "stopped");
    }
    Thread t = tail;
    if (t != null && !t.isAlive()) {
      return Health.dead(check, "the tailing thread stopped");
    }
    if (caughtUp == null || !caughtUp.future().succeeded()) {
      return Health.notReady(check, "not read to its end yet");
    }
    return Health.UP;
  }

  /** Requests in the view. */
  public int size() {
    return byRequest.size();
  }

  private void apply(RequestState state) {
    byRequest.merge(
        state.requestId(),
        state,
        (old, next) ->
            old.state() != State.EMITTING && next.state() == State.EMITTING ? old : next);
    for (String key : state.idempotencyKeys()) {
      byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(state.requestId());
    }
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> p = new HashMap<>(settings.clientProperties());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-ledger-reader");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MessageCodec.MAX_BYTES + 64 * 1024);
    return p;
  }

  private void run() {
    Throwable failure = null;
    try {
      LedgerTopic.ensure(settings, topic, IO_TIMEOUT);
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic, IO_TIMEOUT).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, IO_TIMEOUT);
        long read = 0;
        while (running && !reached(consumer, ends)) {
          read += applyAll(consumer.poll(Duration.ofMillis(200)));
        }
        unfinishedAtStart =
            byRequest.values().stream().filter(s -> s.state() == State.EMITTING).toList();
        LOG.info(
            "intake ledger {} read: {} records, {} requests, {} keys, {} unfinished",
            topic,
            read,
            byRequest.size(),
            byKey.size(),
            unfinishedAtStart.size());
        context.runOnContext(v -> caughtUp.tryComplete());
        while (running) {
          applyAll(consumer.poll(Duration.ofMillis(200)));
        }
      }
    } catch (Throwable e) {
      failure = e;
      if (running) {
        LOG.error("intake ledger {} stopped: {}", topic, e.toString(), e);
      }
    } finally {
      running = false;
      Throwable f = failure;
      context.runOnContext(
          v -> {
            caughtUp.tryFail(
                f != null ? f : new IllegalStateException("stopped before it read the ledger"));
            stopped.tryComplete();
          });
    }
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private long applyAll(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    long n = 0;
    List<String> bad = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      n++;
      if (r.value() == null) {
        continue; // a tombstone an operator wrote to drop a request
      }
      org.apache.kafka.common.header.Header w = r.headers().lastHeader(WRITER_HEADER);
      if (w != null && Arrays.equals(w.value(), writer)) {
        continue; // written by this replica, applied when the broker acknowledged it
      }
      try {
        apply(codec.decode(r.value(), RequestState.class));
      } catch (ContractViolation e) {
        bad.add(r.partition() + "@" + r.offset() + ": " + e.reason(300));
      }
    }
    for (String b : bad) {
      LOG.warn("intake ledger {}: skipped an invalid record {}", topic, b);
    }
    return n;
  }
}
