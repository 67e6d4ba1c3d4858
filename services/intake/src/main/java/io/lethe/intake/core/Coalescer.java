package io.lethe.intake.core;

import io.lethe.api.ForgetRequest;
import io.lethe.api.Method;
import io.lethe.intake.core.ModelCatalog.Affected;
import io.lethe.intake.core.ModelCatalog.ModelTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Merges, per model, the subjects of the deletion events that arrive within one window into a
 * single {@link ForgetRequest}: unlearning is minutes of GPU per model version, so ten erasures a
 * second must not become ten jobs a second.
 *
 * <p>A batch opens with the first event for its key (model, method, hyperparameters: events asking
 * for different methods or settings are not merged, so no caller's preference is dropped), gets its
 * request id at once (so HTTP callers can poll it while it is pending), and is emitted when its
 * timer fires {@code window} later. Each batch's {@link Batch#emitted()} future completes when the
 * emitter's does, i.e. when the broker acknowledged the request: the Kafka input commits an event's
 * offset only then. A batch that would exceed the contract's bounds ({@value #MAX_SUBJECTS}
 * subjects, {@value #MAX_SAMPLES} samples, {@value #MAX_EVENTS} events) is emitted early and a new
 * one opened.
 *
 * <p>Not thread-safe: called on the intake's one Vert.x context; timers are abstracted ({@link
 * Timers}) so tests drive time by hand.
 */
public final class Coalescer {
  static final int MAX_SUBJECTS = 10_000;
  static final int MAX_SAMPLES = 50_000;
  static final int MAX_EVENTS = 10_000;

  /** One-shot timers: Vert.x's in the service, a hand-driven fake in tests. */
  public interface Timers {
    long schedule(Duration delay, Runnable task);

    void cancel(long id);
  }

  /** Where a batch is in its life. */
  enum State {
    PENDING,
    EMITTED,
    FAILED
  }

  private record Key(String modelId, Method method, Map<String, Object> hyperparameters) {}

  /**
   * What the emitter sends: the request, the idempotency keys of its events and when the earliest
   * of them was accepted.
   */
  public record Emission(ForgetRequest request, List<String> idempotencyKeys, Instant acceptedAt) {}

  /** One forget request in the making. */
  static final class Batch {
    private final String requestId;
    private final ModelTarget model;
    private final Method method;
    private final Map<String, Object> hyperparameters;
    private final String correlationId;
    private final TreeMap<String, List<String>> samplesBySubject = new TreeMap<>();
    private final Set<String> sampleIds = new LinkedHashSet<>();
    private final Set<String> sourceEventIds = new LinkedHashSet<>();
    private final Set<String> idempotencyKeys = new LinkedHashSet<>();
    private Instant acceptedAt;
    private final Promise<Void> emitted = Promise.promise();
    private State state = State.PENDING;
    private long timer;

    private Batch(
        String requestId,
        ModelTarget model,
        Method method,
        Map<String, Object> hyperparameters,
        String correlationId) {
      this.requestId = requestId;
      this.model = model;
      this.method = method;
      this.hyperparameters = hyperparameters;
      this.correlationId = correlationId;
    }

    String requestId() {
      return requestId;
    }

    ModelTarget model() {
      return model;
    }

    Method method() {
      return method;
    }

    /** The correlation id of the first event merged into this batch. */
    String correlationId() {
      return correlationId;
    }

    State state() {
      return state;
    }

    /** Sorted, distinct. */
    List<String> subjectIds() {
      return List.copyOf(samplesBySubject.keySet());
    }

    List<String> sourceEventIds() {
      return List.copyOf(sourceEventIds);
    }

    /** The idempotency keys of the merged events, in arrival order. */
    List<String> idempotencyKeys() {
      return List.copyOf(idempotencyKeys);
    }

    /** Completes when the request is acknowledged by the broker; fails if it could not be sent. */
    Future<Void> emitted() {
      return emitted.future();
    }

    private boolean fits(Map<String, List<String>> more) {
      int subjects = samplesBySubject.size();
      int samples = sampleIds.size();
      for (Map.Entry<String, List<String>> e : more.entrySet()) {
        if (!samplesBySubject.containsKey(e.getKey())) {
          subjects++;
          samples += e.getValue().size();
        }
      }
      return subjects <= MAX_SUBJECTS
          && samples <= MAX_SAMPLES
          && sourceEventIds.size() < MAX_EVENTS
          && idempotencyKeys.size() < MAX_EVENTS;
    }

    private void merge(
        String eventId, String idempotencyKey, Instant accepted, Map<String, List<String>> more) {
      for (Map.Entry<String, List<String>> e : more.entrySet()) {
        samplesBySubject.putIfAbsent(e.getKey(), e.getValue());
      }
      more.values().forEach(sampleIds::addAll);
      sourceEventIds.add(eventId);
      idempotencyKeys.add(idempotencyKey);
      if (acceptedAt == null || accepted.isBefore(acceptedAt)) {
        acceptedAt = accepted;
      }
    }

    private ForgetRequest toRequest(Clock clock) {
      Set<String> samples = new TreeSet<>(sampleIds);
      return new ForgetRequest(
          requestId,
          correlationId,
          model.modelId(),
          model.baseVersion(),
          method,
          hyperparameters,
          subjectIds(),
          List.copyOf(samples),
          sourceEventIds(),
          model.datasetVersion(),
          clock.instant());
    }
  }

  private final Duration window;
  private final Timers timers;
  private final Clock clock;
  private final Supplier<String> requestIds;
  private final Function<Emission, Future<Void>> emitter;
  private final Map<Key, Batch> open = new LinkedHashMap<>();

  /**
   * @param emitter records and sends one request; its future completes when it is durable
   */
  public Coalescer(
      Duration window,
      Timers timers,
      Clock clock,
      Supplier<String> requestIds,
      Function<Emission, Future<Void>> emitter) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the window must be positive: " + window);
    }
    this.window = window;
    this.timers = Objects.requireNonNull(timers, "timers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
    this.emitter = Objects.requireNonNull(emitter, "emitter");
  }

  /**
   * Adds one event's subjects for one affected model to the open batch for that model, method and
   * hyperparameters (opening it, and starting its timer, if there is none).
   *
   * @param correlationId used only if this event opens the batch
   * @param acceptedAt when the intake accepted the event
   * @return the batch the subjects went into
   */
  Batch add(
      Affected affected,
      String eventId,
      String idempotencyKey,
      Instant acceptedAt,
      String correlationId,
      Method method,
      Map<String, Object> hyperparameters) {
    Key key = new Key(affected.model().modelId(), method, hyperparameters);
    Batch batch = open.get(key);
    if (batch != null && !batch.fits(affected.samplesBySubject())) {
      close(key, batch);
      batch = null;
    }
    if (batch == null) {
      Batch fresh =
          new Batch(requestIds.get(), affected.model(), method, hyperparameters, correlationId);
      fresh.timer = timers.schedule(window, () -> close(key, fresh));
      open.put(key, fresh);
      batch = fresh;
    }
    batch.merge(eventId, idempotencyKey, acceptedAt, affected.samplesBySubject());
    return batch;
  }

  /** Batches waiting for their window to close. */
  int pending() {
    return open.size();
  }

  /**
   * Emits every open batch now (on shutdown, so accepted events are not dropped); completes when
   * all are acknowledged or failed.
   */
  public Future<Void> flush() {
    List<Future<Void>> all = new ArrayList<>();
    for (Map.Entry<Key, Batch> e : List.copyOf(open.entrySet())) {
      timers.cancel(e.getValue().timer);
      close(e.getKey(), e.getValue());
      all.add(e.getValue().emitted().otherwiseEmpty());
    }
    return Future.all(all).mapEmpty();
  }

  private void close(Key key, Batch batch) {
    if (open.get(key) != batch) {
      return; // already closed early
    }
    open.remove(key);
    timers.cancel(batch.timer);
    Future<Void> sent;
    try {
      sent =
          Objects.requireNonNull(
              emitter.apply(
                  new Emission(batch.toRequest(clock), batch.idempotencyKeys(), batch.acceptedAt)),
              "emitter");
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        ar -> {
          if (ar.succeeded()) {
            batch.state = State.EMITTED;
            batch.emitted.tryComplete();
          } else {
            batch.state = State.FAILED;
            batch.emitted.tryFail(ar.cause());
          }
        });
  }
}
