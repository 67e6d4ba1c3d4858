package io.lethe.registry.service;

import io.lethe.api.RequestState;
import io.lethe.api.UnlearningResult;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The compliance SLIs, per model:
 *
 * <ul>
 *   <li>{@code lethe_registry_deletion_to_promotion_seconds{model}}: a histogram of the time from
 *       the intake's acceptance of a request's earliest deletion event to the moment the serving
 *       alias first points at a version that honours it (one whose lineage includes a version made
 *       for the request, or one recorded as honouring it because it had already forgotten every
 *       subject: then from the worker's result if that version is served already), with buckets at
 *       the usual objectives (1 min, 10 min, 1 h, 6 h, 24 h);
 *   <li>{@code lethe_registry_oldest_unhonoured_request_age_seconds{model}}: the age of the oldest
 *       accepted request that no served version honours yet; 0 when none.
 * </ul>
 *
 * <p>Open requests come from the intake's ledger: read whole at start-up, then followed by the
 * audit archiver. A request leaves the open set when a promotion honours it (observed), when the
 * worker finds it honoured by an existing version the serving alias already honours (observed at
 * the result), when it fails (intake or worker: not honoured, not observed), or when a
 * reconciliation against the serving versions' lineages finds it honoured (after a restart; not
 * observed, its time unknown). Thread-safe.
 */
final class RequestSli {
  /** The objectives the histogram has exact buckets for. */
  static final Duration[] OBJECTIVES = {
    Duration.ofMinutes(1),
    Duration.ofMinutes(10),
    Duration.ofHours(1),
    Duration.ofHours(6),
    Duration.ofHours(24),
    Duration.ofDays(7)
  };

  /**
   * How long {@link #reconcile} leaves a request recorded as honoured by an existing version to its
   * worker's result, which observes it ({@link #onResult}; the record is written just before the
   * result is sent). Later, or if the result went to another process, it is closed unobserved.
   */
  static final Duration RESULT_GRACE = Duration.ofMinutes(5);

  private record Open(String modelId, Instant acceptedAt) {}

  private final Metrics metrics;
  private final Clock clock;
  private final Map<String, Open> open = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();

  RequestSli(Metrics metrics, Clock clock) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A state from the intake's ledger. */
  void onState(RequestState s) {
    if (s.state() == RequestState.State.FAILED) {
      open.remove(s.requestId());
      return;
    }
    String model = s.request().modelId();
    Instant accepted = s.acceptedAt() != null ? s.acceptedAt() : s.request().requestedAt();
    open.putIfAbsent(s.requestId(), new Open(model, accepted));
    gauge(model);
  }

  /** A request the worker gave up on: it will not be honoured under this id. */
  void onFailed(String requestId) {
    open.remove(requestId);
  }

  /**
   * A worker's result: a failure closes the request ({@link #onFailed}); a request honoured by an
   * existing version is complete at the result's time if the serving alias's target honours it
   * already (that version or a descendant), else a later promotion closes it ({@link #onMove}). A
   * new version changes nothing until it is promoted. Blocking: may read the alias and manifests.
   */
  void onResult(UnlearningResult r, ModelStore store, String servingAlias) {
    if (r.status() == UnlearningResult.Status.FAILED) {
      onFailed(r.requestId());
    } else if (!r.madeNewVersion() && open.containsKey(r.requestId())) {
      store
          .aliasHistory(r.modelId(), servingAlias)
          .filter(
              h ->
                  new Lineage(store, r.modelId())
                      .requestsAlong(h.current())
                      .contains(r.requestId()))
          .ifPresent(h -> onServed(r.modelId(), Set.of(r.requestId()), r.completedAt()));
    }
  }

  /**
   * The serving alias of {@code modelId} moved at {@code at} to a version whose lineage holds
   * {@code honoured} request ids: each open one is observed and closed.
   */
  void onServed(String modelId, Set<String> honoured, Instant at) {
    for (String id : honoured) {
      Open o = open.get(id);
      if (o != null && o.modelId().equals(modelId) && open.remove(id, o)) {
        Duration d = Duration.between(o.acceptedAt(), at);
        timer(modelId).record(d.isNegative() ? Duration.ZERO : d);
      }
    }
  }

  /**
   * Closes, without observing, every open request that the serving version of its model already
   * honours (after a restart, or a promotion whose notification was lost), except one recorded as
   * honoured by an existing version less than {@link #RESULT_GRACE} ago: its result observes it.
   * Blocking: reads manifests.
   */
  void reconcile(ModelStore store, String servingAlias) {
    Set<String> models = open.values().stream().map(Open::modelId).collect(Collectors.toSet());
    for (String model : models) {
      store
          .aliasHistory(model, servingAlias)
          .ifPresent(
              h -> {
                Lineage lineage = new Lineage(store, model);
                Set<String> honoured = lineage.requestsAlong(h.current());
                honoured.removeAll(
                    lineage.recordedAfter(h.current(), clock.instant().minus(RESULT_GRACE)));
                open.entrySet()
                    .removeIf(
                        e -> e.getValue().modelId().equals(model) && honoured.contains(e.getKey()));
              });
    }
  }

  /** A move of {@code history}'s alias: when it is the serving alias, closes what it honours. */
  void onMove(AliasHistory history, String servingAlias, Lineage lineage) {
    if (!history.alias().equals(servingAlias)) {
      return;
    }
    AliasHistory.Entry last = history.entries().get(history.entries().size() - 1);
    onServed(history.modelId(), lineage.requestsAlong(last.version()), last.at());
  }

  /** Open requests (for tests and logs). */
  int openCount() {
    return open.size();
  }

  private Timer timer(String model) {
    return latency.computeIfAbsent(
        model,
        m -> {
          String name =
              Metrics.name(RegistryMetrics.STAGE, "deletion_to_promotion", Metrics.Unit.SECONDS);
          return Timer.builder(name.substring(0, name.length() - "_seconds".length()))
              .description(
                  "From a deletion's acceptance to the promotion of a version that honours it")
              .tag("model", m)
              .serviceLevelObjectives(OBJECTIVES)
              .minimumExpectedValue(Duration.ofSeconds(1))
              .maximumExpectedValue(Duration.ofDays(30))
              .register(metrics.registry());
        });
  }

  private void gauge(String model) {
    if (gauged.add(model)) {
      metrics.gauge(
          "oldest_unhonoured_request_age",
          Metrics.Unit.SECONDS,
          this,
          sli -> sli.oldestAgeSeconds(model),
          "model",
          model);
      timer(model); // the histogram exists from the model's first request, with zero counts
    }
  }

  private double oldestAgeSeconds(String model) {
    Instant now = clock.instant();
    return open.values().stream()
        .filter(o -> o.modelId().equals(model))
        .mapToDouble(o -> Math.max(0, Duration.between(o.acceptedAt(), now).toMillis() / 1000.0))
        .max()
        .orElse(0);
  }
}
