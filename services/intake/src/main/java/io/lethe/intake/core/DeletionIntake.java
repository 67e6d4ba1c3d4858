package io.lethe.intake.core;

import io.lethe.api.Contract;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Method;
import io.lethe.api.Violation;
import io.lethe.intake.core.Coalescer.Batch;
import io.lethe.intake.core.ModelCatalog.Affected;
import io.lethe.intake.core.ModelCatalog.Resolution;
import io.lethe.service.kafka.UnprocessableRecord;
import io.lethe.service.limits.HyperparameterLimits;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake's core, for events that are already durable on {@code lethe.deletion-events} (from
 * upstream, or written there by the HTTP adapter before it answered): de-duplicate by idempotency
 * key against the {@link Ledger} and the open batches, resolve the subjects to models, coalesce per
 * model. The future of {@link #accept} completes when every request covering the event is durably
 * recorded and sent (or recorded as failed), so the Kafka input commits the event only then and
 * keeps consuming meanwhile. Not thread-safe: one Vert.x context.
 */
public final class DeletionIntake {
  private static final Logger LOG = LoggerFactory.getLogger(DeletionIntake.class);
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  /** Used when an event does not ask for a method. */
  public static final Method DEFAULT_METHOD = Method.DLFD;

  private final ModelCatalog catalog;
  private final HyperparameterLimits limits;
  private final Ledger ledger;
  private final Coalescer coalescer;
  private final IntakeMetrics meters;
  // Keys whose events sit in batches not yet recorded as emitted, and those batches.
  private final Map<String, List<Batch>> pendingByKey = new HashMap<>();
  private final Map<String, Batch> pendingById = new LinkedHashMap<>();

  public DeletionIntake(
      ModelCatalog catalog,
      HyperparameterLimits limits,
      Ledger ledger,
      Coalescer coalescer,
      IntakeMetrics meters) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.coalescer = Objects.requireNonNull(coalescer, "coalescer");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  /**
   * One valid event read from the topic.
   *
   * @param acceptedAt when it was accepted (the record's timestamp)
   * @return completes when the event is covered by recorded, sent requests, or was a repeat
   * @throws UnprocessableRecord if no model knows any of its subjects (it is dead-lettered)
   */
  public Future<Void> accept(
      DeletionEvent event, Optional<String> headerCorrelation, Instant acceptedAt) {
    meters.received(IntakeMetrics.KAFKA).increment();
    String key = event.idempotencyKey();
    List<Batch> pending = pendingByKey.get(key);
    if (pending != null) {
      meters.deduplicated(IntakeMetrics.KAFKA).increment();
      return Future.all(pending.stream().map(Batch::emitted).toList()).mapEmpty();
    }
    if (ledger.honours(key)) {
      meters.deduplicated(IntakeMetrics.KAFKA).increment();
      return Future.succeededFuture();
    }
    Resolution resolution = resolve(event, IntakeMetrics.KAFKA);
    String correlationId = correlationOf(event, headerCorrelation);
    Method method = event.method() == null ? DEFAULT_METHOD : event.method();
    List<Batch> batches = new ArrayList<>();
    for (Affected affected : resolution.affected()) {
      Batch batch =
          coalescer.add(
              affected,
              event.eventId(),
              key,
              acceptedAt,
              correlationId,
              method,
              event.hyperparameters());
      if (!batches.contains(batch)) {
        batches.add(batch);
      }
      pendingById.put(batch.requestId(), batch);
    }
    if (batches.isEmpty()) {
      return Future.succeededFuture(); // every subject was forgotten already
    }
    pendingByKey.put(key, batches);
    Future<Void> covered =
        batches.size() == 1
            ? batches.get(0).emitted()
            : Future.all(batches.stream().map(Batch::emitted).toList()).mapEmpty();
    covered.onComplete(
        ar -> {
          pendingByKey.remove(key, batches);
          for (Batch b : batches) {
            if (b.state() != Coalescer.State.PENDING) {
              pendingById.remove(b.requestId());
            }
          }
        });
    return covered;
  }

  /**
   * Resolves an event's subjects, or rejects it: hyperparameters beyond the operator's limits would
   * fail (or occupy the model's queue for days), and an event naming only subjects no model knows
   * is most likely a wrong id, and accepting it would do nothing.
   *
   * @throws UnprocessableRecord with the reason, for a dead letter or a 422
   */
  public Resolution resolve(DeletionEvent event, String source) {
    Method method = event.method() == null ? DEFAULT_METHOD : event.method();
    List<Violation> outOfBounds = limits.check(method, event.hyperparameters());
    if (!outOfBounds.isEmpty()) {
      throw new UnprocessableRecord(Contract.DELETION_EVENT, outOfBounds);
    }
    Resolution resolution = catalog.resolve(event.subjectIds(), event.modelIds());
    if (!resolution.unknownSubjectIds().isEmpty()) {
      meters.unknownSubjects(source).increment(resolution.unknownSubjectIds().size());
    }
    if (resolution.nothingKnown()) {
      throw new UnprocessableRecord(
          Contract.DELETION_EVENT,
          List.of(
              new Violation(
                  "$.subjectIds",
                  "no model"
                      + (event.modelIds() == null ? "" : " among " + event.modelIds())
                      + " was trained on "
                      + (resolution.unknownSubjectIds().size() == 1 ? "subject " : "subjects ")
                      + String.join(", ", resolution.unknownSubjectIds())
                      + ", and none of them was forgotten earlier: nothing to forget")));
    }
    if (!resolution.unknownSubjectIds().isEmpty()) {
      LOG.info(
          "event {}: {} subject(s) known to no model",
          event.eventId(),
          resolution.unknownSubjectIds().size());
    }
    return resolution;
  }

  /** The event's own correlation id, else a valid header's, else a new one. */
  public static String correlationOf(DeletionEvent event, Optional<String> headerCorrelation) {
    return Optional.ofNullable(event.correlationId())
        .or(() -> headerCorrelation.filter(c -> ID.matcher(c).matches()))
        .orElseGet(() -> UUID.randomUUID().toString());
  }

  /** The open or unrecorded batch with this request id, on this replica. */
  public Optional<Batch> pending(String requestId) {
    return Optional.ofNullable(pendingById.get(requestId));
  }

  /** The batches holding an event with this key that are not recorded as sent yet. */
  public List<Batch> pendingFor(String idempotencyKey) {
    return pendingByKey.getOrDefault(idempotencyKey, List.of());
  }
}
