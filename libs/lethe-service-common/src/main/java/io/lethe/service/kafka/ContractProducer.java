package io.lethe.service.kafka;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.lethe.service.metrics.RuntimeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends contract records to Kafka: validated on produce ({@link MessageCodec#encode}), with the
 * {@code lethe-correlation-id} and {@code lethe-schema} headers, and a future that completes only
 * when the broker has acknowledged the write to all in-sync replicas ({@code acks=all}, idempotence
 * on, so a retried send is not duplicated). A caller that commits its input offset after this
 * future therefore never loses a record.
 *
 * <p><b>Why plain kafka-clients, not the Vert.x Kafka client:</b> the Vert.x client pins its own
 * kafka-clients version (3.x) while the project runs 4.1.1 brokers and tools, and it adds nothing a
 * callback cannot do. {@code KafkaProducer.send} is asynchronous but may block the caller for up to
 * {@code max.block.ms} (metadata fetch, full buffer), so it is called on a named, sized worker pool
 * ({@value #DEFAULT_POOL}-&lt;client id&gt;), never on the event loop; the broker's acknowledgement
 * is handed back to the caller's Vert.x context.
 */
public final class ContractProducer implements Component {
  static final String DEFAULT_POOL = "lethe-producer";

  /** Longest {@code lethe-dlq-reason} header value (Kafka headers are not meant for essays). */
  public static final int MAX_REASON_CHARS = 2000;

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final MessageCodec codec;
  private final Map<String, Object> overrides = new HashMap<>();
  private int poolSize = 2;
  private Duration closeTimeout = Duration.ofSeconds(10);
  private WorkerExecutor worker;
  private volatile Producer<byte[], byte[]> producer;
  private Metrics metrics;
  private volatile AutoCloseable clientMetrics;

  public ContractProducer(Vertx vertx, KafkaSettings settings, MessageCodec codec) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Binds the client's own {@code kafka_producer_*} meters ({@link RuntimeMetrics#kafkaClient}) to
   * the service's registry while the producer is open. Call before {@link #start()}.
   */
  public ContractProducer optMetrics(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /**
   * Overrides a producer property (e.g. {@code linger.ms}). {@code acks} and idempotence cannot be
   * weakened: they are what makes the completed future mean "durable".
   */
  public ContractProducer optProperty(String key, Object value) {
    if (ProducerConfig.ACKS_CONFIG.equals(key)
        || ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG.equals(key)) {
      throw new IllegalArgumentException(key + " is fixed (acks=all, idempotence on)");
    }
    overrides.put(key, value);
    return this;
  }

  /** Threads that may block in {@code send()} (default 2). */
  public ContractProducer optPoolSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be positive: " + size);
    }
    this.poolSize = size;
    return this;
  }

  /** How long {@link #stop()} waits for unsent records (default 10 s). */
  public ContractProducer optCloseTimeout(Duration timeout) {
    this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** The properties the producer is created with. */
  Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(settings.clientProperties());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-producer");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MessageCodec.MAX_BYTES + 64 * 1024);
    p.putAll(settings.producerProperties());
    p.putAll(overrides);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  /** Creates the client (on the worker pool: its constructor resolves addresses). */
  @Override
  public Future<Void> start() {
    worker = vertx.createSharedWorkerExecutor(DEFAULT_POOL + "-" + settings.clientId(), poolSize);
    return worker.executeBlocking(
        () -> {
          KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(properties());
          if (metrics != null) {
            clientMetrics = RuntimeMetrics.kafkaClient(metrics, p);
          }
          producer = p;
          return null;
        });
  }

  /**
   * Validates and sends {@code record} to its contract's topic ({@link #topicOf(Contract)}); see
   * {@link #send(String, Contract, String, Record, String)}.
   */
  public Future<RecordMetadata> send(
      Contract contract, String key, Record record, String correlationId) {
    String topic;
    try {
      topic = topicOf(contract);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return send(topic, contract, key, record, correlationId);
  }

  /**
   * The topic that carries {@code contract}'s records ({@code schemas/README.md}).
   *
   * @throws IllegalArgumentException for contracts not carried on Kafka (manifests, problems)
   */
  public static String topicOf(Contract contract) {
    return switch (Objects.requireNonNull(contract, "contract")) {
      case DELETION_EVENT -> Topics.DELETION_EVENTS;
      case FORGET_REQUEST -> Topics.FORGET_REQUESTS;
      case JOB_PROGRESS -> Topics.JOB_PROGRESS;
      case UNLEARNING_RESULT -> Topics.UNLEARNING_RESULTS;
      case EVALUATION_REPORT -> Topics.EVALUATIONS;
      default -> throw new IllegalArgumentException(contract.tag() + " is not sent on Kafka");
    };
  }

  /**
   * Validates and sends {@code record} to {@code topic}.
   *
   * @param contract the record's contract (must match its type: a mismatch is a programming error)
   * @param key the Kafka key (see {@code schemas/README.md} for which field), may be null
   * @param correlationId copied into {@code lethe-correlation-id}; required, it is the trace
   * @return the broker's acknowledgement; failed with {@link ContractViolation} if the record
   *     breaks its contract (nothing is sent), or with the Kafka error
   */
  public Future<RecordMetadata> send(
      String topic, Contract contract, String key, Record record, String correlationId) {
    return send(topic, contract, key, record, correlationId, Map.of());
  }

  /**
   * Like {@link #send(String, Contract, String, Record, String)}, with {@code headers} added to the
   * record (e.g. which replica wrote it).
   */
  public Future<RecordMetadata> send(
      String topic,
      Contract contract,
      String key,
      Record record,
      String correlationId,
      Map<String, byte[]> headers) {
    try {
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(contract, "contract");
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(correlationId, "correlationId");
      if (record.getClass() != contract.type()) {
        throw new IllegalArgumentException(
            record.getClass().getSimpleName() + " is not a " + contract.tag());
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // Encoded and validated on the producer's pool, not the caller's event loop: a forget request
    // of 10,000 events takes milliseconds to validate. The pool runs one context's sends in order.
    return send(
        () -> {
          ProducerRecord<byte[], byte[]> out =
              new ProducerRecord<>(
                  topic,
                  key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                  codec.encode(record));
          out.headers().add(Headers.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
          out.headers().add(Headers.SCHEMA, contract.tag().getBytes(StandardCharsets.UTF_8));
          headers.forEach((name, value) -> out.headers().add(name, value));
          return out;
        });
  }

  /**
   * Sends a rejected record, unchanged (key, value, headers), to {@code deadLetterTopic}, adding
   * {@code lethe-dlq-reason} and {@code lethe-dlq-source-topic}.
   */
  public Future<RecordMetadata> sendDeadLetter(
      ConsumerRecord<byte[], byte[]> rejected, String deadLetterTopic, ContractViolation why) {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(deadLetterTopic, null, rejected.key(), rejected.value());
    for (Header h : rejected.headers()) {
      if (!h.key().equals(Headers.DLQ_REASON) && !h.key().equals(Headers.DLQ_SOURCE_TOPIC)) {
        out.headers().add(h.key(), h.value());
      }
    }
    out.headers()
        .add(Headers.DLQ_REASON, why.reason(MAX_REASON_CHARS).getBytes(StandardCharsets.UTF_8));
    out.headers().add(Headers.DLQ_SOURCE_TOPIC, rejected.topic().getBytes(StandardCharsets.UTF_8));
    return sendRaw(out);
  }

  /** Sends {@code out} as it is (no validation): for dead letters built by the consumer. */
  Future<RecordMetadata> sendRaw(ProducerRecord<byte[], byte[]> out) {
    return send(() -> out);
  }

  private Future<RecordMetadata> send(
      java.util.function.Supplier<ProducerRecord<byte[], byte[]>> build) {
    Producer<byte[], byte[]> p = producer;
    if (p == null) {
      return Future.failedFuture(new ProducerStoppedException());
    }
    Context context = vertx.getOrCreateContext();
    Promise<RecordMetadata> acked = Promise.promise();
    worker
        .executeBlocking(
            () ->
                p.send(
                    build.get(),
                    (metadata, error) ->
                        context.runOnContext(
                            v -> {
                              if (error != null) {
                                acked.tryFail(error);
                              } else {
                                acked.tryComplete(metadata);
                              }
                            })))
        .onFailure(acked::tryFail);
    return acked.future();
  }

  private void closeClientMetrics() {
    AutoCloseable m = clientMetrics;
    clientMetrics = null;
    if (m != null) {
      try {
        m.close();
      } catch (Exception e) {
        // the meters only; the producer still closes
      }
    }
  }

  /** Flushes what is in flight (up to the close timeout), closes the client and the pool. */
  @Override
  public Future<Void> stop() {
    Producer<byte[], byte[]> p = producer;
    producer = null;
    if (worker == null) {
      return Future.succeededFuture();
    }
    WorkerExecutor w = worker;
    Future<Void> closed =
        p == null
            ? Future.succeededFuture()
            : w.executeBlocking(
                () -> {
                  closeClientMetrics();
                  p.close(closeTimeout);
                  return null;
                });
    return closed.eventually(w::close);
  }
}
