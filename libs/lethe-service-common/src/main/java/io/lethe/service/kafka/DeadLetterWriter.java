package io.lethe.service.kafka;

import io.lethe.api.Headers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the dead letter of one rejected record, so that a dead letter can never stall its
 * partition.
 *
 * <p>Normally the record goes unchanged (key, value, headers) with {@code lethe-dlq-reason} and
 * {@code lethe-dlq-source-topic}. But a record that fitted its own topic may not fit the
 * dead-letter topic once the reason headers are added (or the dead-letter topic has a smaller
 * {@code max.message.bytes}): the send would fail the same way forever, and the consumer would
 * retry it every second and never reach the records behind it. So a record whose estimated size is
 * over {@link #maxBytes} is sent <em>truncated</em> straight away, and one the broker or producer
 * refuses with {@link RecordTooLargeException} is re-sent truncated: a small JSON value with the
 * original's SHA-256, size, source topic, partition, offset, reason and first {@value #HEAD_BYTES}
 * bytes (base64), plus the {@value #TRUNCATED} header. The hash lets an operator match the dead
 * letter with the original in the source topic (while retention keeps it) or upstream.
 */
final class DeadLetterWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

  /** Header on a truncated dead letter; its value is the original record's serialised size. */
  public static final String TRUNCATED = "lethe-dlq-truncated";

  /** Bytes of the original value kept in a truncated dead letter. */
  static final int HEAD_BYTES = 256;

  /** Per-record and per-header framing bytes a record batch adds (an upper bound). */
  private static final int RECORD_OVERHEAD = 128;

  private static final int HEADER_OVERHEAD = 16;

  /** Original headers longer than this are not copied into a truncated dead letter. */
  private static final int MAX_KEPT_HEADER_BYTES = 512;

  private final ContractProducer producer;
  private final String topic;
  private final int maxBytes;

  DeadLetterWriter(ContractProducer producer, String topic, int maxBytes) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    if (maxBytes < 4096) {
      throw new IllegalArgumentException("dead-letter size limit too small: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Sends the dead letter of {@code rejected}; completes when it is acked.
   *
   * @return whether it had to be truncated
   */
  Future<Boolean> send(ConsumerRecord<byte[], byte[]> rejected, String reason) {
    ProducerRecord<byte[], byte[]> whole = whole(rejected, reason);
    long size = estimatedSize(whole);
    if (size > maxBytes) {
      LOG.warn(
          "{}-{}@{}: dead letter of ~{} bytes is over the {} byte limit, sending it truncated",
          rejected.topic(),
          rejected.partition(),
          rejected.offset(),
          size,
          maxBytes);
      return producer.sendRaw(truncated(rejected, reason, size)).map(true);
    }
    return producer
        .sendRaw(whole)
        .map(false)
        .recover(
            failure -> {
              if (!(failure instanceof RecordTooLargeException)) {
                return Future.failedFuture(failure);
              }
              LOG.warn(
                  "{}-{}@{}: dead letter of ~{} bytes refused ({}), sending it truncated",
                  rejected.topic(),
                  rejected.partition(),
                  rejected.offset(),
                  size,
                  failure.toString());
              return producer.sendRaw(truncated(rejected, reason, size)).map(true);
            });
  }

  /** The unchanged record, with the dead-letter headers. */
  ProducerRecord<byte[], byte[]> whole(ConsumerRecord<byte[], byte[]> rejected, String reason) {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, rejected.key(), rejected.value());
    for (Header h : rejected.headers()) {
      if (!isDeadLetterHeader(h.key())) {
        out.headers().add(h.key(), h.value());
      }
    }
    addDeadLetterHeaders(out, rejected, reason);
    return out;
  }

  /** A small stand-in for {@code rejected}: see the class comment. */
  ProducerRecord<byte[], byte[]> truncated(
      ConsumerRecord<byte[], byte[]> rejected, String reason, long originalSize) {
    byte[] value = rejected.value() == null ? new byte[0] : rejected.value();
    JsonObject body =
        new JsonObject()
            .put("truncated", true)
            .put("sourceTopic", rejected.topic())
            .put("partition", rejected.partition())
            .put("offset", rejected.offset())
            .put("reason", reason)
            .put("originalValueBytes", value.length)
            .put("originalRecordBytes", originalSize)
            .put("sha256", sha256(value))
            .put(
                "head",
                Base64.getEncoder()
                    .encodeToString(Arrays.copyOf(value, Math.min(HEAD_BYTES, value.length))));
    byte[] key = rejected.key();
    if (key != null && key.length > MAX_KEPT_HEADER_BYTES) {
      body.put("keySha256", sha256(key));
      key = null;
    }
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, key, body.encode().getBytes(StandardCharsets.UTF_8));
    for (Header h : rejected.headers()) {
      int len = h.value() == null ? 0 : h.value().length;
      if (!isDeadLetterHeader(h.key()) && len <= MAX_KEPT_HEADER_BYTES) {
        out.headers().add(h.key(), h.value());
      }
    }
    addDeadLetterHeaders(out, rejected, reason);
    out.headers().add(TRUNCATED, Long.toString(originalSize).getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** An upper bound of what the record weighs in a batch (what the size limits compare). */
  static long estimatedSize(ProducerRecord<byte[], byte[]> r) {
    long size = RECORD_OVERHEAD;
    size += r.key() == null ? 0 : r.key().length;
    size += r.value() == null ? 0 : r.value().length;
    for (Header h : r.headers()) {
      size += HEADER_OVERHEAD + h.key().getBytes(StandardCharsets.UTF_8).length;
      size += h.value() == null ? 0 : h.value().length;
    }
    return size;
  }

  private static void addDeadLetterHeaders(
      ProducerRecord<byte[], byte[]> out, ConsumerRecord<byte[], byte[]> rejected, String reason) {
    String r =
        reason.length() > ContractProducer.MAX_REASON_CHARS
            ? reason.substring(0, ContractProducer.MAX_REASON_CHARS - 3) + "..."
            : reason;
    out.headers().add(Headers.DLQ_REASON, r.getBytes(StandardCharsets.UTF_8));
    out.headers().add(Headers.DLQ_SOURCE_TOPIC, rejected.topic().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isDeadLetterHeader(String key) {
    return key.equals(Headers.DLQ_REASON)
        || key.equals(Headers.DLQ_SOURCE_TOPIC)
        || key.equals(TRUNCATED);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
