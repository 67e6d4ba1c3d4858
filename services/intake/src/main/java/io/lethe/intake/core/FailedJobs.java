package io.lethe.intake.core;

import io.lethe.api.RequestState;
import io.lethe.api.UnlearningResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the loop from the workers back to the intake: a forget request whose unlearning job
 * <em>failed</em> (a {@code failed} {@link UnlearningResult}: a verdict, never an outage, which the
 * worker waits out) is recorded as {@code failed} in the ledger with the worker's reason. Its
 * deletions' status then says so, and their idempotency keys are free again: the same deletion can
 * be submitted once more, with the same key, after the cause is fixed. Successful results change
 * nothing here (the registry follows them).
 */
public final class FailedJobs {
  private static final Logger LOG = LoggerFactory.getLogger(FailedJobs.class);

  private final Ledger ledger;
  private final Retries retries;
  private final Clock clock;

  public FailedJobs(Ledger ledger, Retries retries, Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.retries = Objects.requireNonNull(retries, "retries");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Takes one result of {@code lethe.unlearning-results}; completes once it is recorded. */
  public Future<Void> onResult(UnlearningResult result) {
    if (result.status() != UnlearningResult.Status.FAILED) {
      return Future.succeededFuture();
    }
    Optional<RequestState> recorded = ledger.request(result.requestId());
    if (recorded.isEmpty() || recorded.get().state() == RequestState.State.FAILED) {
      return Future.succeededFuture(); // not sent by an intake, or recorded already
    }
    String reason =
        "unlearning failed: " + (result.error() == null ? "no reason given" : result.error());
    if (reason.length() > 4000) {
      reason = reason.substring(0, 3997) + "...";
    }
    LOG.info(
        "request {} failed in the worker; its deletions may be resubmitted", result.requestId());
    RequestState failed =
        recorded
            .get()
            .with(
                RequestState.State.FAILED, reason, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    return retries.run(
        "recording request " + result.requestId() + " as failed", () -> ledger.record(failed));
  }
}
