package io.lethe.service.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Carries a record's Failsafe attempts between Failsafe's scheduler threads and the consumer's
 * Vert.x context: each attempt runs on the context (handlers must not notice Failsafe's threads),
 * unless the record has been abandoned meanwhile, and each execution's outcome is handed back to
 * the context as a Vert.x future.
 *
 * <p>Thread-safe: its methods may be called from any thread; what they run, runs on the context.
 */
final class ContextHop {
  private final Context context;
  private final BiPredicate<TopicPartition, Long> live;

  /**
   * @param live whether a record of this partition and epoch should still be worked on (the
   *     consumer runs and still owns the partition)
   */
  ContextHop(Context context, BiPredicate<TopicPartition, Long> live) {
    this.context = Objects.requireNonNull(context, "context");
    this.live = Objects.requireNonNull(live, "live");
  }

  Context context() {
    return context;
  }

  /**
   * Runs {@code attempt} on the context, unless the record has been abandoned meanwhile (then the
   * result fails with {@link RecordHandling.Abandoned}).
   */
  <R> CompletableFuture<R> attempt(TopicPartition tp, long epoch, Supplier<Future<R>> attempt) {
    CompletableFuture<R> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          if (!live.test(tp, epoch)) {
            result.completeExceptionally(new RecordHandling.Abandoned());
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

  /**
   * {@code execution}'s outcome, completed on the context after {@code first} ran there (failures
   * unwrapped from Failsafe's {@link CompletionException}).
   */
  <R> Future<R> settle(CompletableFuture<R> execution, Runnable first) {
    Promise<R> done = Promise.promise();
    execution.whenComplete(
        (result, failure) ->
            context.runOnContext(
                x -> {
                  first.run();
                  if (failure == null) {
                    done.complete(result);
                  } else {
                    done.fail(unwrap(failure));
                  }
                }));
    return done.future();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
