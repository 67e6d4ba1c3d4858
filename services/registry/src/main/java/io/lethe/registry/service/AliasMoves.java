package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NotFoundException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every change of an alias, manual or automatic, goes through here. The store's alias update is a
 * read-modify-write of one object, so moves of the same alias are serialised (a manual promotion
 * racing an automatic one must not drop a history entry); the store assumes one registry instance
 * moves a model's aliases. Blocking: call it on the {@code lethe-registry-io} pool.
 */
final class AliasMoves {
  private final ModelStore store;
  private final RegistryMetrics metrics;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

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
    return locked(
        modelId,
        alias,
        () -> {
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
        });
  }

  /**
   * Applies {@code rule} to {@code report} and promotes if it says so, under the alias's lock (so
   * the history the rule saw is the one the promotion extends).
   */
  PromotionRule.Decision promoteAutomatically(
      PromotionRule rule, EvaluationReportMessage report, String alias) {
    return locked(
        report.modelId(),
        alias,
        () -> {
          store.manifest(report.modelId(), report.version()); // NotFoundException if unknown
          PromotionRule.Decision decision =
              rule.decide(
                  report,
                  store.evaluation(report.modelId(), report.version()),
                  store.aliasHistory(report.modelId(), alias));
          if (decision.promote()) {
            AliasHistory after = store.promote(report.modelId(), alias, report.version());
            metrics.promoted(RegistryMetrics.AUTO).increment();
            metrics.aliasVersion(report.modelId(), alias, after.current());
          }
          return decision;
        });
  }

  /**
   * Moves {@code alias} back to the target before its latest promotion still in effect.
   *
   * @throws NotFoundException if the alias was never set
   * @throws ApiException 409 if there is no earlier target
   */
  AliasHistory rollback(String modelId, String alias) {
    return locked(
        modelId,
        alias,
        () -> {
          AliasHistory after;
          try {
            after = store.rollback(modelId, alias);
          } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
          }
          metrics.rollbacks.increment();
          metrics.aliasVersion(modelId, alias, after.current());
          return after;
        });
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

  private <T> T locked(String modelId, String alias, Supplier<T> move) {
    Object lock = locks.computeIfAbsent(modelId + "/" + alias, k -> new Object());
    synchronized (lock) {
      return move.get();
    }
  }
}
