package io.lethe.service.kafka;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Violation;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error policy of a {@link ContractConsumer} for one record at a time: decode it, call the
 * handler ({@link HandlerRetries}: transient failures retried), dead-letter what cannot or could
 * not be handled ({@link DeadLetterPublisher}). The consumer owns the partitions and offsets; this
 * class decides, per record, "commit" (the returned future succeeds) or "leave it" (it fails).
 *
 * <p>{@link #process} runs on the consumer's Vert.x context; {@link #decode} on any thread. Its own
 * state is immutable.
 */
final class RecordHandling<T extends Record> {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final MessageCodec codec;
  private final Class<T> type;
  private final HandlerRetries<T> handler;
  private final DeadLetterPublisher deadLetters;
  private final String deadLetterTopic;
  private final RetrySettings retry;

  /**
   * The handling of {@code type}'s records on {@code context} by {@code handler}, with retries and
   * dead letters.
   *
   * @param live whether a record of this partition and epoch should still be worked on (the
   *     consumer runs and still owns the partition)
   */
  static <T extends Record> RecordHandling<T> of(
      Context context,
      MessageCodec codec,
      Class<T> type,
      Function<Delivery<T>, Future<Void>> handler,
      DeadLetterWriter deadLetterWriter,
      String deadLetterTopic,
      RetrySettings retry,
      FailureClassifier classifier,
      List<DeadLetterListener> deadLetterListeners,
      List<RetryListener> retryListeners,
      ConsumerHealth health,
      BiPredicate<TopicPartition, Long> live) {
    ContextHop hop = new ContextHop(context, live);
    return new RecordHandling<>(
        codec,
        type,
        new HandlerRetries<>(hop, handler, retry, classifier, retryListeners, health),
        new DeadLetterPublisher(hop, deadLetterWriter, retry, classifier, deadLetterListeners),
        deadLetterTopic,
        retry);
  }

  RecordHandling(
      MessageCodec codec,
      Class<T> type,
      HandlerRetries<T> handler,
      DeadLetterPublisher deadLetters,
      String deadLetterTopic,
      RetrySettings retry) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.type = Objects.requireNonNull(type, "type");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** Whether {@code failure} means "left to the next owner" rather than a failure. */
  static boolean isAbandoned(Throwable failure) {
    return failure instanceof Abandoned
        || failure instanceof CancellationException
        || stopping(failure);
  }

  /**
   * The service is stopping: its producer refused the handler's output (anywhere in the cause
   * chain). The record is not at fault and must be handled again after the restart.
   */
  private static boolean stopping(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProducerStoppedException) {
        return true;
      }
    }
    return false;
  }

  /** Stops retrying {@code tp}'s current records (revoked). */
  void cancel(TopicPartition tp) {
    handler.cancel(tp);
  }

  /** Stops every retry (the consumer stops). */
  void cancelAll() {
    handler.cancelAll();
  }

  /**
   * Decodes {@code r} and runs the handler with retries; dead-letters what cannot or could not be
   * handled. Succeeds when the record may be committed; fails with {@link Abandoned} when it must
   * be left to the next owner, with an {@link Error} when the consumer must stop, and otherwise
   * when the dead letter could not be written.
   */
  Future<Void> process(TopicPartition tp, long epoch, ConsumerRecord<byte[], byte[]> r) {
    return process(tp, epoch, r, decode(r));
  }

  /** A record's value decoded and validated, or why it breaks its contract. */
  record Decoded<T>(T value, ContractViolation violation) {}

  /**
   * Decodes and validates {@code r} (any thread: the pipelined consumer does it on its poll thread,
   * so validation runs beside the handlers instead of before them on the same event loop).
   */
  Decoded<T> decode(ConsumerRecord<byte[], byte[]> r) {
    try {
      return new Decoded<>(codec.decode(r.value(), type), null);
    } catch (ContractViolation violation) {
      return new Decoded<>(null, violation);
    }
  }

  /** {@link #process(TopicPartition, long, ConsumerRecord)} with {@code r} already decoded. */
  Future<Void> process(
      TopicPartition tp, long epoch, ConsumerRecord<byte[], byte[]> r, Decoded<T> decoded) {
    T value = decoded.value();
    if (decoded.violation() != null) {
      ContractViolation violation = decoded.violation();
      // Paths only: the messages may quote the record (a subject id is personal data); the whole
      // reason travels with the dead letter.
      LOG.warn(
          "{}-{}@{} rejected to {}: {} violation(s) at {}",
          r.topic(),
          r.partition(),
          r.offset(),
          deadLetterTopic,
          violation.violations().size(),
          violation.violations().stream().map(Violation::path).distinct().limit(10).toList());
      return deadLetters.publish(tp, epoch, r, DeadLetterReason.of(violation), violation);
    }
    Delivery<T> delivery =
        new Delivery<>(
            value,
            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
            header(r, Headers.CORRELATION_ID),
            r.topic(),
            r.partition(),
            r.offset(),
            r.timestamp());
    return handler
        .call(tp, epoch, delivery)
        .recover(failure -> afterRetries(tp, epoch, r, failure));
  }

  /** The handler's final failure, after any retries: dead-letter it unless it must be left. */
  private Future<Void> afterRetries(
      TopicPartition tp, long epoch, ConsumerRecord<byte[], byte[]> r, Throwable failure) {
    if (isAbandoned(failure) || failure instanceof Error) {
      return Future.failedFuture(failure);
    }
    DeadLetterReason reason;
    ContractViolation violation;
    if (failure instanceof UnprocessableRecord unprocessable) {
      reason = DeadLetterReason.UNPROCESSABLE;
      violation = unprocessable.violation();
    } else {
      reason = handler.isRetriable(failure) ? DeadLetterReason.GAVE_UP : DeadLetterReason.FAILED;
      String why =
          reason == DeadLetterReason.GAVE_UP
              ? "still failing transiently after " + retry.maxDuration() + ": " + failure
              : "handler failed permanently: " + failure;
      violation = new ContractViolation(Contract.of(type), List.of(new Violation("$", why)));
      LOG.error("{}-{}@{} {}", r.topic(), r.partition(), r.offset(), why, failure);
    }
    // Only where the record broke its contract: the messages may quote the record's values (a
    // subject id is personal data), and they travel with the dead letter anyway.
    LOG.warn(
        "{}-{}@{} {}, sent to {} (the reason is on the dead letter): violation(s) at {}",
        r.topic(),
        r.partition(),
        r.offset(),
        reason.tag(),
        deadLetterTopic,
        violation.violations().stream().map(Violation::path).distinct().limit(10).toList());
    return deadLetters.publish(tp, epoch, r, reason, violation);
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /**
   * The record's partition was revoked, or the consumer is stopping: leave it to the next owner.
   */
  static final class Abandoned extends RuntimeException {
    Abandoned() {
      super("abandoned", null, false, false);
    }
  }
}
