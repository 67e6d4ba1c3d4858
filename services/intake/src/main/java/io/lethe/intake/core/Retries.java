package io.lethe.intake.core;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.lethe.api.ContractViolation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the intake's own writes (ledger records, forget requests) through Failsafe: exponential
 * backoff with jitter, without an attempt limit, because what is retried is an accepted deletion
 * that nothing else will send. Stops retrying when the intake stops (the events stay uncommitted
 * and the ledger says {@code emitting}, so the next start sends them). A {@link ContractViolation}
 * is a verdict, not an outage, and is never retried. Attempts run on the caller's Vert.x context.
 */
public final class Retries {
  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

  private final Context context;
  private final BooleanSupplier running;
  private final Duration first;
  private final Duration max;
  private Runnable onRetry = () -> {};

  public Retries(Context context, BooleanSupplier running, Duration first, Duration max) {
    this.context = Objects.requireNonNull(context, "context");
    this.running = Objects.requireNonNull(running, "running");
    this.first = Objects.requireNonNull(first, "first");
    this.max = Objects.requireNonNull(max, "max");
  }

  /** Called on every retry (a metric). */
  public Retries optOnRetry(Runnable onRetry) {
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
    return this;
  }

  /** Runs {@code attempt} until it succeeds, fails with a verdict, or the intake stops. */
  <T> Future<T> run(String what, Supplier<Future<T>> attempt) {
    RetryPolicy<T> policy =
        RetryPolicy.<T>builder()
            .handleIf(e -> !(e instanceof ContractViolation) && running.getAsBoolean())
            .withBackoff(first, max)
            .withJitter(0.25)
            .withMaxRetries(-1)
            .onRetry(
                e -> {
                  onRetry.run();
                  LOG.warn(
                      "{} failed (attempt {}), retrying: {}",
                      what,
                      e.getAttemptCount(),
                      String.valueOf(e.getLastException()));
                })
            .build();
    Promise<T> outcome = Promise.promise();
    Failsafe.with(policy)
        .getStageAsync(
            () -> {
              CompletableFuture<T> one = new CompletableFuture<>();
              context.runOnContext(
                  v -> {
                    Future<T> f;
                    try {
                      f = attempt.get();
                    } catch (RuntimeException e) {
                      f = Future.failedFuture(e);
                    }
                    f.onComplete(
                        ar -> {
                          if (ar.succeeded()) {
                            one.complete(ar.result());
                          } else {
                            one.completeExceptionally(ar.cause());
                          }
                        });
                  });
              return one;
            })
        .whenComplete(
            (value, error) ->
                context.runOnContext(
                    v -> {
                      if (error == null) {
                        outcome.complete(value);
                      } else {
                        outcome.fail(
                            error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error);
                      }
                    }));
    return outcome.future();
  }
}
