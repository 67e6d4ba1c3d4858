package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NotFoundException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every change of an alias, manual or automatic, goes through here. No lock: the store's moves are
 * atomic across threads and processes (each appends a write-once entry and, after losing a race,
 * re-reads and re-validates), so a manual promotion racing an automatic one, here or in another
 * registry instance, never drops a history entry.
 *
 * <p><b>The forgetting guard.</b> No alias may point at a version that still encodes a subject
 * whose forgetting is complete (forgotten by a version the serving alias has pointed at, see {@link
 * Lineage#completed}), and no version that failed its gates may be promoted, unless the caller
 * forces it and gives a reason. The check runs against the history as it is just before the write
 * (again after a lost race). Who moved the alias, whether it was forced and why are written into
 * the move's own entry, then into the audit log ({@link AliasAudit}).
 *
 * <p>Blocking: call it on the {@code lethe-registry-io} pool.
 */
final class AliasMoves {
  private final ModelStore store;
  private final RegistryMetrics metrics;
  private final String servingAlias;
  private final AliasAudit audit;
  private final MoveListener moved;

  /** Told after every move, on the calling (pool) thread. */
  interface MoveListener {
    /**
     * @param after the alias's history with the move last
     * @param lineage the model's lineage, as read for the move
     */
    void moved(AliasHistory after, Lineage lineage);
  }

  /**
   * @param moved told after every move (the registry closes the SLI's honoured requests and runs an
   *     erasure sweep)
   */
  AliasMoves(
      ModelStore store,
      RegistryMetrics metrics,
      String servingAlias,
      AliasAudit audit,
      MoveListener moved) {
    this.moved = Objects.requireNonNull(moved, "moved");
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.servingAlias = Objects.requireNonNull(servingAlias, "servingAlias");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * Points {@code alias} at {@code version} on an operator's request.
   *
   * @throws NotFoundException if the version is not visible
   * @throws ApiException 409 if the version failed its gates or still encodes a subject whose
   *     forgetting is complete, and the move is not forced; 400 if forced without a reason
   */
  AliasHistory promoteManually(String modelId, String alias, int version, AliasHistory.Note note) {
    store.manifest(modelId, version); // 404 before anything else
    Optional<EvaluationReportMessage> evaluation = store.evaluation(modelId, version);
    if (!note.forced() && evaluation.isPresent() && !evaluation.get().passed()) {
      throw ApiException.conflict(
          modelId
              + " v"
              + version
              + " failed its gates ("
              + evaluation.get().gates().stream()
                  .filter(g -> !g.passed())
                  .map(g -> g.detail() == null ? g.name() : g.name() + ": " + g.detail())
                  .toList()
              + "); an admin may send \"force\": true with a \"reason\" to promote it anyway");
    }
    int before = store.aliasHistory(modelId, alias).map(AliasHistory::current).orElse(0);
    Lineage lineage = new Lineage(store, modelId);
    AliasHistory after =
        store
            .promoteIf(
                modelId,
                alias,
                version,
                note,
                history -> {
                  if (!note.forced()) {
                    guard(lineage, alias, version, history);
                  }
                  return true;
                })
            .orElseThrow();
    if (before != version) {
      metrics.promoted(RegistryMetrics.MANUAL).increment();
      audit.recordLatest(after, lineage);
      moved.moved(after, lineage);
    }
    metrics.aliasVersion(modelId, alias, after.current());
    return after;
  }

  /**
   * Applies {@code rule} to {@code report} and promotes if it says so. The rule is applied to the
   * alias's history as it is just before the write, and again after every race lost to another
   * writer, so the decision always matches the history the promotion extends; a redelivered report
   * finds its promotion in the history and is skipped. An automatic promotion never overrides the
   * forgetting guard: a version that still encodes a completed forgetting is skipped.
   */
  PromotionRule.Decision promoteAutomatically(
      PromotionRule rule, EvaluationReportMessage report, String alias) {
    store.manifest(report.modelId(), report.version()); // NotFoundException if unknown
    Optional<EvaluationReportMessage> evaluation =
        store.evaluation(report.modelId(), report.version());
    Lineage lineage = new Lineage(store, report.modelId());
    AtomicReference<PromotionRule.Decision> decision = new AtomicReference<>();
    Optional<AliasHistory> after =
        store.promoteIf(
            report.modelId(),
            alias,
            report.version(),
            AliasHistory.Note.service("registry"),
            history -> {
              decision.set(rule.decide(report, evaluation, history));
              if (decision.get().promote()) {
                Set<String> encoded = stillEncoded(lineage, alias, report.version(), history);
                if (!encoded.isEmpty()) {
                  decision.set(
                      PromotionRule.Decision.skip(
                          PromotionRule.Reason.PREDATES_FORGETTING,
                          report.modelId()
                              + " v"
                              + report.version()
                              + " still encodes "
                              + encoded.size()
                              + " subject(s) whose forgetting is complete"));
                }
              }
              return decision.get().promote();
            });
    if (after.isPresent()) {
      metrics.promoted(RegistryMetrics.AUTO).increment();
      metrics.aliasVersion(report.modelId(), alias, after.get().current());
      audit.recordLatest(after.get(), lineage);
      moved.moved(after.get(), lineage);
    }
    return decision.get();
  }

  /**
   * Moves {@code alias} back to the target before its latest promotion still in effect.
   *
   * @throws NotFoundException if the alias was never set
   * @throws ApiException 409 if there is no earlier target, or it still encodes a subject whose
   *     forgetting is complete and the rollback is not forced
   */
  AliasHistory rollback(String modelId, String alias, AliasHistory.Note note) {
    Lineage lineage = new Lineage(store, modelId);
    AliasHistory after;
    try {
      after =
          store.rollback(
              modelId,
              alias,
              note,
              (history, target) -> {
                if (!note.forced()) {
                  guard(lineage, alias, target, Optional.of(history));
                }
              });
    } catch (IllegalStateException e) {
      throw ApiException.conflict(e.getMessage());
    }
    metrics.rollbacks.increment();
    metrics.aliasVersion(modelId, alias, after.current());
    audit.recordLatest(after, lineage);
    moved.moved(after, lineage);
    return after;
  }

  /**
   * The history of an alias.
   *
   * @throws ApiException 404 if the alias was never set
   */
  AliasHistory history(String modelId, String alias) {
    return store
        .aliasHistory(modelId, alias)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model " + modelId + " has no alias " + alias + " (it was never promoted)"));
  }

  /** Refuses (409) a move of {@code alias} to a version that still encodes completed forgetting. */
  private void guard(
      Lineage lineage, String alias, int target, Optional<AliasHistory> aliasHistory) {
    Optional<AliasHistory> serving = serving(lineage, alias, aliasHistory);
    Set<String> encoded = encodedUnder(lineage, target, serving);
    if (encoded.isEmpty()) {
      return;
    }
    Set<String> requests =
        lineage.requestsForgetting(
            encoded,
            serving
                .map(h -> h.entries().stream().map(AliasHistory.Entry::version).toList())
                .orElse(java.util.List.of()));
    throw ApiException.conflict(
        "refusing to point "
            + alias
            + " at "
            + lineage.modelId()
            + " v"
            + target
            + ": it still encodes "
            + encoded.size()
            + " subject(s) whose forgetting "
            + servingAlias
            + " has completed (forget requests "
            + requests
            + "); an admin may send \"force\": true with a \"reason\", which the audit log"
            + " records");
  }

  private Set<String> stillEncoded(
      Lineage lineage, String alias, int target, Optional<AliasHistory> aliasHistory) {
    return encodedUnder(lineage, target, serving(lineage, alias, aliasHistory));
  }

  /** The serving alias's history: {@code aliasHistory} when it is the one moved, else read. */
  private Optional<AliasHistory> serving(
      Lineage lineage, String alias, Optional<AliasHistory> aliasHistory) {
    return alias.equals(servingAlias)
        ? aliasHistory
        : store.aliasHistory(lineage.modelId(), servingAlias);
  }

  /** The subjects whose forgetting {@code serving} completed that {@code target} still encodes. */
  private static Set<String> encodedUnder(
      Lineage lineage, int target, Optional<AliasHistory> serving) {
    return serving.isEmpty()
        ? Set.of()
        : lineage.stillEncoded(target, lineage.completed(serving.get()));
  }
}
