package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NotFoundException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every change of an alias, manual or automatic, goes through here. No lock: the store's moves are
 * atomic across threads and processes (each appends a write-once entry and, after losing a race,
 * re-reads and re-validates), so a manual promotion racing an automatic one, here or in another
 * registry instance, never drops a history entry. Blocking: call it on the {@code
 * lethe-registry-io} pool.
 */
final class AliasMoves {
  private final ModelStore store;
  private final RegistryMetrics metrics;

  AliasMoves(ModelStore store, RegistryMetrics metrics) {
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Points {@code alias} at {@code version} on an operator's request. A version whose stored
   * evaluation failed its gates is refused unless {@code force}.
   *
   * @throws NotFoundException if the version is not visible
   * @throws ApiException 409 if the version failed its gates and {@code force} is false
   */
  AliasHistory promoteManually(String modelId, String alias, int version, boolean force) {
    store.manifest(modelId, version); // 404 before anything else
    Optional<EvaluationReportMessage> evaluation = store.evaluation(modelId, version);
    if (!force && evaluation.isPresent() && !evaluation.get().passed()) {
      throw ApiException.conflict(
          modelId
              + " v"
              + version
              + " failed its gates ("
              + evaluation.get().gates().stream()
                  .filter(g -> !g.passed())
                  .map(g -> g.detail() == null ? g.name() : g.name() + ": " + g.detail())
                  .toList()
              + "); send \"force\": true to promote it anyway");
    }
    int before = store.aliasHistory(modelId, alias).map(AliasHistory::current).orElse(0);
    AliasHistory after = store.promote(modelId, alias, version);
    if (before != version) {
      metrics.promoted(RegistryMetrics.MANUAL).increment();
    }
    metrics.aliasVersion(modelId, alias, after.current());
    return after;
  }

  /**
   * Applies {@code rule} to {@code report} and promotes if it says so. The rule is applied to the
   * alias's history as it is just before the write, and again after every race lost to another
   * writer, so the decision always matches the history the promotion extends; a redelivered report
   * finds its promotion in the history and is skipped.
   */
  PromotionRule.Decision promoteAutomatically(
      PromotionRule rule, EvaluationReportMessage report, String alias) {
    store.manifest(report.modelId(), report.version()); // NotFoundException if unknown
    Optional<EvaluationReportMessage> evaluation =
        store.evaluation(report.modelId(), report.version());
    AtomicReference<PromotionRule.Decision> decision = new AtomicReference<>();
    Optional<AliasHistory> after =
        store.promoteIf(
            report.modelId(),
            alias,
            report.version(),
            history -> {
              decision.set(rule.decide(report, evaluation, history));
              return decision.get().promote();
            });
    if (after.isPresent()) {
      metrics.promoted(RegistryMetrics.AUTO).increment();
      metrics.aliasVersion(report.modelId(), alias, after.get().current());
    }
    return decision.get();
  }

  /**
   * Moves {@code alias} back to the target before its latest promotion still in effect.
   *
   * @throws NotFoundException if the alias was never set
   * @throws ApiException 409 if there is no earlier target
   */
  AliasHistory rollback(String modelId, String alias) {
    AliasHistory after;
    try {
      after = store.rollback(modelId, alias);
    } catch (IllegalStateException e) {
      throw ApiException.conflict(e.getMessage());
    }
    metrics.rollbacks.increment();
    metrics.aliasVersion(modelId, alias, after.current());
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
}
