package io.lethe.service.kafka;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.event.ExecutionScheduledEvent;
import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Violation;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.logging.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error policy of a {@link ContractConsumer} for one record at a time: decode it, call the
 * handler, retry transient failures with Failsafe (backoff, jitter, a total budget), dead-letter
 * what cannot or could not be handled. The consumer owns the partitions and offsets; this class
 * decides, per record, "commit" (the returned future succeeds) or "leave it" (it fails).
 *
 * <p>Everything here runs on the consumer's Vert.x context, except Failsafe's delays (its own
 * scheduler thread), after which each attempt hops back to the context ({@link #onContext}).
 */
final class RecordHandling<T extends Record> {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final Context context;
  private final MessageCodec codec;
  private final Class<T> type;
  private final Function<Delivery<T>, Future<Void>> handler;
  private final DeadLetterWriter deadLetterWriter;
  private final String deadLetterTopic;
  private final RetrySettings retry;
  private final FailureClassifier classifier;
  private final List<DeadLetterListener> deadLetterListeners;
  private final List<RetryListener> retryListeners;
  private final ConsumerHealth health;
  private final BiPredicate<TopicPartition, Long> live;
  // The Failsafe execution of each partition's current record, cancelled on revocation and stop.
  // Executions running per partition: one at a time, or many in the consumer's pipelined mode.
  private final Map<TopicPartition, Set<CompletableFuture<?>>> executions =
      new ConcurrentHashMap<>();

  /**
   * @param live whether a record of this partition and epoch should still be worked on (the
   *     consumer runs and still owns the partition)
   */
  RecordHandling(
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
    this.context = Objects.requireNonNull(context, "context");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.type = Objects.requireNonNull(type, "type");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.deadLetterWriter = Objects.requireNonNull(deadLetterWriter, "deadLetterWriter");
    this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.deadLetterListeners = List.copyOf(deadLetterListeners);
    this.retryListeners = List.copyOf(retryListeners);
    this.health = Objects.requireNonNull(health, "health");
    this.live = Objects.requireNonNull(live, "live");
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
    Set<CompletableFuture<?>> pending = executions.remove(tp);
    if (pending != null) {
      pending.forEach(e -> e.cancel(false));
    }
  }

  /** Stops every retry (the consumer stops). */
  void cancelAll() {
    executions.values().forEach(set -> set.forEach(e -> e.cancel(false)));
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
      return deadLetter(tp, epoch, r, DeadLetterReason.of(violation), violation);
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
    return firstAttempt(tp, epoch, delivery)
        .recover(failure -> afterRetries(tp, epoch, r, failure));
  }

  /**
   * The first attempt runs at once, on this context: no scheduling and no thread hop for the common
   * case (the intake hands thousands of records a second through here). Only a transient failure
   * hands the record to the retry policy, which waits the first delay before its next attempt.
   */
  private Future<Void> firstAttempt(TopicPartition tp, long epoch, Delivery<T> delivery) {
    return callHandler(delivery)
        .recover(
            failure -> {
              if (!isRetriable(failure)) {
                return Future.failedFuture(failure);
              }
              health.failedTransiently(tp, failure);
              Duration delay = retry.initialDelay();
              notifyRetry(delivery, 1, failure, delay);
              Promise<Void> later = Promise.promise();
              long timer =
                  context
                      .owner()
                      .setTimer(
                          Math.max(1, delay.toMillis()),
                          id -> withRetries(tp, epoch, delivery).onComplete(later));
              TimerExecution waiting = new TimerExecution(context, timer, later);
              executions.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(waiting);
              return later
                  .future()
                  .onComplete(
                      x -> {
                        Set<CompletableFuture<?>> running = executions.get(tp);
                        if (running != null) {
                          running.remove(waiting);
                        }
                      });
            });
  }

  /** A retry waiting for its first delay, cancellable like a running execution. */
  private static final class TimerExecution extends CompletableFuture<Void> {
    private final Context context;
    private final long timer;
    private final Promise<Void> outcome;

    TimerExecution(Context context, long timer, Promise<Void> outcome) {
      this.context = context;
      this.timer = timer;
      this.outcome = outcome;
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      context.runOnContext(
          v -> {
            if (context.owner().cancelTimer(timer)) {
              outcome.tryFail(new CancellationException("cancelled before its retry"));
            }
          });
      return super.cancel(mayInterrupt);
    }
  }

  private Future<Void> withRetries(TopicPartition tp, long epoch, Delivery<T> delivery) {
    AtomicInteger attempts = new AtomicInteger(1);
    RetryPolicy<Void> policy =
        RetryPolicy.<Void>builder()
            .handleIf(this::isRetriable)
            .withBackoff(retry.initialDelay(), retry.maxDelay())
            .withJitter(retry.jitter())
            .withMaxDuration(retry.maxDuration())
            .withMaxRetries(-1)
            .onFailedAttempt(
                e -> {
                  if (isRetriable(e.getLastException())) {
                    health.failedTransiently(tp, e.getLastException());
                  }
                })
            .onRetryScheduled(e -> retryScheduled(delivery, attempts.incrementAndGet(), e))
            .build();
    CompletableFuture<Void> execution =
        Failsafe.with(policy)
            .getStageAsync(() -> onContext(tp, epoch, () -> callHandler(delivery)));
    executions.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(execution);
    Promise<Void> done = Promise.promise();
    execution.whenComplete(
        (v, failure) ->
            context.runOnContext(
                x -> {
                  Set<CompletableFuture<?>> running = executions.get(tp);
                  if (running != null) {
                    running.remove(execution);
                  }
                  if (failure == null) {
                    done.complete();
                  } else {
                    done.fail(unwrap(failure));
                  }
                }));
    return done.future();
  }

  private void retryScheduled(
      Delivery<T> delivery, int attempt, ExecutionScheduledEvent<Void> event) {
    notifyRetry(delivery, attempt, event.getLastException(), event.getDelay());
  }

  private void notifyRetry(Delivery<T> delivery, int attempt, Throwable failure, Duration delay) {
    LOG.warn(
        "{}-{}@{} failed transiently (attempt {}), retrying in {}: {}",
        delivery.topic(),
        delivery.partition(),
        delivery.offset(),
        attempt,
        delay,
        failure.toString());
    for (RetryListener listener : retryListeners) {
      try {
        listener.retrying(delivery, attempt, failure, delay);
      } catch (RuntimeException e) {
        LOG.warn("retry listener failed: {}", e.toString(), e);
      }
    }
  }

  private boolean isRetriable(Throwable failure) {
    return !isAbandoned(failure)
        && !(failure instanceof UnprocessableRecord)
        && !(failure instanceof Error)
        && classifier.isTransient(failure);
  }

  private Future<Void> callHandler(Delivery<T> delivery) {
    // The handler's synchronous part logs with the record's request and correlation ids.
    try (LogContext ids =
        LogContext.ofRecord(delivery.value(), delivery.correlationId().orElse(null))) {
      return Objects.requireNonNull(handler.apply(delivery), "the handler returned null");
    } catch (RuntimeException | Error e) {
      // An Error too becomes the outcome (it stops the consumer), never an exception thrown on
      // the event loop, where it would leave the record neither finished nor failed.
      return Future.failedFuture(e);
    }
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
      reason = isRetriable(failure) ? DeadLetterReason.GAVE_UP : DeadLetterReason.FAILED;
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
    return deadLetter(tp, epoch, r, reason, violation);
  }

  /**
   * Writes {@code r}'s dead letter, retrying transient send failures without limit (the record is
   * committed only after it, so giving up would block the partition); fails if the send fails
   * permanently.
   */
  private Future<Void> deadLetter(
      TopicPartition tp,
      long epoch,
      ConsumerRecord<byte[], byte[]> r,
      DeadLetterReason reason,
      ContractViolation violation) {
    String why = violation.reason(ContractProducer.MAX_REASON_CHARS);
    RetryPolicy<Boolean> policy =
        RetryPolicy.<Boolean>builder()
            .handleIf(f -> classifier.isTransient(f))
            .withBackoff(retry.initialDelay(), retry.maxDelay())
            .withJitter(retry.jitter())
            .withMaxRetries(-1)
            .onRetryScheduled(
                e ->
                    LOG.warn(
                        "dead letter of {}-{}@{} not sent, retrying in {}: {}",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getDelay(),
                        e.getLastException().toString()))
            .build();
    CompletableFuture<Boolean> execution =
        Failsafe.with(policy)
            .getStageAsync(() -> onContext(tp, epoch, () -> deadLetterWriter.send(r, why)));
    Promise<Void> done = Promise.promise();
    execution.whenComplete(
        (truncated, failure) ->
            context.runOnContext(
                x -> {
                  if (failure != null) {
                    done.fail(unwrap(failure));
                    return;
                  }
                  tellDeadLetterListeners(r.topic(), reason, violation);
                  done.complete();
                }));
    return done.future();
  }

  private void tellDeadLetterListeners(
      String sourceTopic, DeadLetterReason reason, ContractViolation violation) {
    for (DeadLetterListener listener : deadLetterListeners) {
      try {
        listener.deadLettered(sourceTopic, reason, violation);
      } catch (RuntimeException e) {
        // A listener (a metric) must never turn an acked dead letter into a retry.
        LOG.warn("dead-letter listener failed: {}", e.toString(), e);
      }
    }
  }

  /**
   * Runs {@code attempt} on this consumer's Vert.x context (Failsafe calls from its own threads:
   * handlers must not notice), unless the record has been abandoned meanwhile.
   */
  private <R> CompletableFuture<R> onContext(
      TopicPartition tp, long epoch, Supplier<Future<R>> attempt) {
    CompletableFuture<R> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          if (!live.test(tp, epoch)) {
            result.completeExceptionally(new Abandoned());
            return;
          }
          Future<R> f;
          try {
            f = attempt.get();
          } catch (RuntimeException e) {
            f = Future.failedFuture(e);
          } catch (Error e) {
            result.completeExceptionally(e);
            return;
          }
          f.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  result.complete(ar.result());
                } else {
                  result.completeExceptionally(ar.cause());
                }
              });
        });
    return result;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
