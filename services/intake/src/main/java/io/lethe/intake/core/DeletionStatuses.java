package io.lethe.intake.core;

import io.lethe.api.DeletionEvent;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Method;
import io.lethe.api.RequestState;
import io.lethe.intake.core.Coalescer.Batch;
import io.lethe.intake.core.ModelCatalog.Resolution;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What became of a deletion and of a forget request, from the shared {@link Ledger}, the open
 * batches of {@link DeletionIntake} and the deletions this replica wrote to the topic that the
 * ledger does not show yet: the answers of any entry point that reports status, and what a repeat
 * of an idempotency key answers. Not thread-safe: one Vert.x context.
 */
public final class DeletionStatuses {
  /** Keys this replica wrote to the topic that the ledger does not show yet. */
  public static final int RECENT_CAPACITY = 100_000;

  /** The answer to a deletion. */
  public record Receipt(
      String eventId,
      String idempotencyKey,
      String correlationId,
      boolean duplicate,
      String status,
      String statusUrl,
      List<String> requestIds,
      List<String> modelIds,
      List<String> unknownSubjectIds,
      List<String> alreadyForgottenSubjectIds) {}

  /** The status of one forget request. */
  public record RequestStatus(
      String requestId,
      String status,
      String modelId,
      int baseVersion,
      Method method,
      String correlationId,
      List<String> subjectIds,
      List<String> sourceEventIds,
      String error) {}

  /** One request of a deletion, in a {@link DeletionStatus}. */
  public record RequestSummary(String requestId, String modelId, String status) {}

  /** The status of a deletion: its requests and, over them, one word. */
  public record DeletionStatus(
      String idempotencyKey, String status, List<RequestSummary> requests) {}

  private final DeletionIntake intake;
  private final Ledger ledger;
  private final BoundedLru<String, Receipt> recent = new BoundedLru<>(RECENT_CAPACITY);

  public DeletionStatuses(DeletionIntake intake, Ledger ledger) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
  }

  /** The receipt of {@code event}, accepted with {@code correlationId}, once it is durable. */
  public Receipt accepted(DeletionEvent event, String correlationId, Resolution resolution) {
    String key = event.idempotencyKey();
    return new Receipt(
        event.eventId(),
        key,
        correlationId,
        false,
        "accepted",
        statusUrl(key),
        List.of(),
        resolution.affected().stream().map(a -> a.model().modelId()).distinct().toList(),
        resolution.unknownSubjectIds(),
        resolution.forgottenSubjectIds());
  }

  /** Remembers that {@code receipt}'s deletion is on the topic, until the ledger shows it. */
  public void written(Receipt receipt) {
    recent.put(receipt.idempotencyKey(), receipt);
  }

  /**
   * What a repeat of {@code event}'s key answers: the key is taken if a request holding it was or
   * is being sent, or if this replica wrote it to the topic and it is not coalesced yet. A key
   * whose requests all failed is free again.
   */
  public Optional<Receipt> repeatOf(DeletionEvent event) {
    String key = event.idempotencyKey();
    List<RequestState> recorded = ledger.byKey(key);
    List<Batch> pending = intake.pendingFor(key);
    Optional<Receipt> mine = recent.get(key);
    boolean honoured =
        !pending.isEmpty()
            || recorded.stream().anyMatch(s -> s.state() != RequestState.State.FAILED);
    boolean inFlight = recorded.isEmpty() && mine.isPresent();
    if (!honoured && !inFlight) {
      return Optional.empty();
    }
    Set<String> requestIds = new LinkedHashSet<>();
    Set<String> modelIds = new LinkedHashSet<>();
    for (RequestState s : recorded) {
      requestIds.add(s.requestId());
      modelIds.add(s.request().modelId());
    }
    for (Batch b : pending) {
      requestIds.add(b.requestId());
      modelIds.add(b.model().modelId());
    }
    String correlationId =
        mine.map(Receipt::correlationId)
            .or(() -> recorded.stream().map(s -> s.request().correlationId()).findFirst())
            .orElse(null);
    return Optional.of(
        new Receipt(
            event.eventId(),
            key,
            correlationId,
            true,
            inFlight ? "accepted" : statusOf(recorded, pending),
            statusUrl(key),
            List.copyOf(requestIds),
            modelIds.isEmpty()
                ? mine.map(Receipt::modelIds).orElse(List.of())
                : List.copyOf(modelIds),
            mine.map(Receipt::unknownSubjectIds).orElse(List.of()),
            mine.map(Receipt::alreadyForgottenSubjectIds).orElse(List.of())));
  }

  /** The status of the deletion with {@code key}; empty if no replica knows it yet. */
  public Optional<DeletionStatus> deletion(String key) {
    List<RequestState> recorded = ledger.byKey(key);
    List<Batch> pending = intake.pendingFor(key);
    if (recorded.isEmpty() && pending.isEmpty()) {
      return recent.get(key).map(r -> new DeletionStatus(key, "accepted", List.of()));
    }
    List<RequestSummary> requests = new ArrayList<>();
    for (RequestState s : recorded) {
      requests.add(new RequestSummary(s.requestId(), s.request().modelId(), name(s.state())));
    }
    for (Batch b : pending) {
      if (requests.stream().noneMatch(r -> r.requestId().equals(b.requestId()))) {
        requests.add(new RequestSummary(b.requestId(), b.model().modelId(), "pending"));
      }
    }
    return Optional.of(new DeletionStatus(key, statusOf(recorded, pending), requests));
  }

  /** The status of the forget request {@code id}: recorded, or still in an open batch. */
  public Optional<RequestStatus> request(String id) {
    Optional<RequestState> recorded = ledger.request(id);
    if (recorded.isPresent()) {
      RequestState s = recorded.get();
      ForgetRequest r = s.request();
      return Optional.of(
          new RequestStatus(
              r.requestId(),
              name(s.state()),
              r.modelId(),
              r.baseVersion(),
              r.method(),
              r.correlationId(),
              r.subjectIds(),
              r.sourceEventIds(),
              s.error()));
    }
    return intake
        .pending(id)
        .map(
            b ->
                new RequestStatus(
                    b.requestId(),
                    "pending",
                    b.model().modelId(),
                    b.model().baseVersion(),
                    b.method(),
                    b.correlationId(),
                    b.subjectIds(),
                    b.sourceEventIds(),
                    null));
  }

  private static String statusOf(List<RequestState> recorded, List<Batch> pending) {
    if (!pending.isEmpty()
        || recorded.stream().anyMatch(s -> s.state() == RequestState.State.EMITTING)) {
      return "pending";
    }
    if (recorded.stream().allMatch(s -> s.state() == RequestState.State.FAILED)) {
      return "failed";
    }
    return recorded.stream().anyMatch(s -> s.state() == RequestState.State.FAILED)
        ? "partly failed"
        : "emitted";
  }

  private static String name(RequestState.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static String statusUrl(String key) {
    return "/v1/deletions/" + key;
  }
}
