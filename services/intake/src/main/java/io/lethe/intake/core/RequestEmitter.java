package io.lethe.intake.core;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.ForgetRequest;
import io.lethe.api.RequestState;
import io.lethe.api.RequestState.State;
import io.lethe.intake.core.Coalescer.Emission;
import io.lethe.service.kafka.ContractProducer;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one coalesced forget request so that a crash at any point loses nothing and sends nothing
 * twice under two ids: (1) the ledger records it as {@code emitting}, with the idempotency keys of
 * its events; (2) the request goes to {@code lethe.forget-requests}; (3) the ledger records it as
 * {@code emitted}. Only then does the batch's future complete, and the Kafka input commit its
 * events. A crash after (1) leaves an {@code emitting} record: the next start sends it again under
 * the same request id (the worker finds its version by request id, so a request sent twice makes
 * one version) and the redelivered events find their keys taken. Transient failures are retried
 * ({@link Retries}); a request that breaks its contract is recorded as {@code failed} with the
 * reason, so its keys can be submitted again.
 */
public final class RequestEmitter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestEmitter.class);

  private final Ledger ledger;
  private final ContractProducer producer;
  private final String topic;
  private final Retries retries;
  private final IntakeMetrics meters;
  private final Clock clock;

  public RequestEmitter(
      Ledger ledger,
      ContractProducer producer,
      String topic,
      Retries retries,
      IntakeMetrics meters,
      Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.retries = Objects.requireNonNull(retries, "retries");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records, sends and records as sent one request of the coalescer. */
  public Future<Void> emit(Emission emission) {
    ForgetRequest request = emission.request();
    RequestState emitting =
        new RequestState(
            request.requestId(),
            State.EMITTING,
            emission.idempotencyKeys(),
            request,
            emission.acceptedAt() == null
                ? null
                : emission.acceptedAt().truncatedTo(ChronoUnit.MILLIS),
            null,
            now());
    return retries
        .run("recording request " + request.requestId(), () -> ledger.record(emitting))
        .compose(v -> send(emitting), failure -> fail(emitting, failure));
  }

  /** Sends a request recorded as {@code emitting} (again, after a restart) and records it sent. */
  public Future<Void> send(RequestState emitting) {
    ForgetRequest request = emitting.request();
    return retries
        .run(
            "sending request " + request.requestId(),
            () ->
                producer
                    .send(
                        topic,
                        Contract.FORGET_REQUEST,
                        request.modelId(),
                        request,
                        request.correlationId())
                    .mapEmpty())
        .compose(
            v -> {
              meters.emitted().increment();
              return retries.run(
                  "recording request " + request.requestId() + " as emitted",
                  () -> ledger.record(emitting.with(State.EMITTED, null, now())));
            })
        .recover(failure -> fail(emitting, failure));
  }

  private Future<Void> fail(RequestState emitting, Throwable failure) {
    if (!(failure instanceof ContractViolation violation)) {
      return Future.failedFuture(failure); // stopping: the ledger still says emitting
    }
    String reason = violation.reason(3900);
    LOG.error("request {} can never be sent: {}", emitting.requestId(), reason);
    meters.failed().increment();
    // Recorded as failed, the request is done: its events are committed, its keys free again.
    return retries.run(
        "recording request " + emitting.requestId() + " as failed",
        () -> ledger.record(emitting.with(State.FAILED, reason, now())));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
