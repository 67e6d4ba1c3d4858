package io.lethe.service.kafka;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.logging.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a {@link ContractConsumer}'s handler for one delivery and retries its transient failures
 * with Failsafe (backoff, jitter, a total budget), telling the {@link RetryListener}s and the
 * {@link ConsumerHealth} about each; keeps each partition's pending retries so that a revocation or
 * a stop cancels them.
 *
 * <p>The handler is called on the consumer's Vert.x context: the first attempt directly, the
 * retries through {@link ContextHop} after Failsafe's delays (its scheduler thread). {@link
 * #cancel} and {@link #cancelAll} are called from the poll thread and {@link
 * ContractConsumer#stop}, hence the concurrent registry of executions.
 */
final class HandlerRetries<T extends Record> {
  // Logged as the consumer: operators grep for one logger.
  private static final Logger LOG = LoggerFactory.getLogger(ContractConsumer.class);

  private final ContextHop hop;
  private final Function<Delivery<T>, Future<Void>> handler;
  private final RetrySettings retry;
  private final FailureClassifier classifier;
  private final List<RetryListener> listeners;
  private final ConsumerHealth health;
  // The Failsafe execution of each partition's current record, cancelled on revocation and stop.
  // Executions running per partition: one at a time, or many in the consumer's pipelined mode.
  private final Map<TopicPartition, Set<CompletableFuture<?>>> executions =
      new ConcurrentHashMap<>();

  HandlerRetries(
      ContextHop hop,
      Function<Delivery<T>, Future<Void>> handler,
      RetrySettings retry,
      FailureClassifier classifier,
      List<RetryListener> listeners,
      ConsumerHealth health) {
    this.hop = Objects.requireNonNull(hop, "hop");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.listeners = List.copyOf(listeners);
    this.health = Objects.requireNonNull(health, "health");
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

  /** Whether {@code failure} is worth another attempt of the handler. */
  boolean isRetriable(Throwable failure) {
    return !RecordHandling.isAbandoned(failure)
        && !(failure instanceof UnprocessableRecord)
        && !(failure instanceof Error)
        && classifier.isTransient(failure);
  }

  /**
   * Calls the handler, retrying transient failures until the budget is spent; fails with the last
   * failure. The first attempt runs at once, on this context: no scheduling and no thread hop for
   * the common case (the intake hands thousands of records a second through here). Only a transient
   * failure hands the record to the retry policy, which waits the first delay before its next
   * attempt.
   */
  Future<Void> call(TopicPartition tp, long epoch, Delivery<T> delivery) {
    return callHandler(delivery)
        .recover(
            failure -> {
              if (!isRetriable(failure)) {
                return Future.failedFuture(failure);
              }
              health.failedTransiently(tp, failure);
              Duration delay = retry.initialDelay();
              notifyRetry(delivery, 1, failure, delay);
              Context context = hop.context();
              Promise<Void> later = Promise.promise();
              long timer =
                  context
                      .owner()
                      .setTimer(
                          Math.max(1, delay.toMillis()),
                          id -> withRetries(tp, epoch, delivery).onComplete(later));
              TimerExecution waiting = new TimerExecution(context, timer, later);
              track(tp, waiting);
              return later.future().onComplete(x -> untrack(tp, waiting));
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
            .onRetryScheduled(
                e ->
                    notifyRetry(
                        delivery, attempts.incrementAndGet(), e.getLastException(), e.getDelay()))
            .build();
    CompletableFuture<Void> execution =
        Failsafe.with(policy)
            .getStageAsync(() -> hop.attempt(tp, epoch, () -> callHandler(delivery)));
    track(tp, execution);
    return hop.settle(execution, () -> untrack(tp, execution));
  }

  private void track(TopicPartition tp, CompletableFuture<?> execution) {
    executions.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(execution);
  }

  private void untrack(TopicPartition tp, CompletableFuture<?> execution) {
    Set<CompletableFuture<?>> running = executions.get(tp);
    if (running != null) {
      running.remove(execution);
    }
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
    for (RetryListener listener : listeners) {
      try {
        listener.retrying(delivery, attempt, failure, delay);
      } catch (RuntimeException e) {
        LOG.warn("retry listener failed: {}", e.toString(), e);
      }
    }
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
}
