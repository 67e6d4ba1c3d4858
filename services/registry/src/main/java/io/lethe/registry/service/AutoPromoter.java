package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.CorruptObjectException;
import io.lethe.registry.store.NotFoundException;
import io.lethe.service.kafka.Delivery;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of {@code lethe.evaluations}: each report is counted, judged by the {@link
 * PromotionRule} against the registry (on the {@code lethe-registry-io} pool) and, if it passes,
 * promotes its version to the configured alias. Skips are logged and counted by reason and the
 * offset is committed; a version the registry does not know is skipped the same way (it would never
 * appear by retrying). Only a registry failure fails the future, so the consumer retries the
 * report.
 */
final class AutoPromoter {
  private static final Logger LOG = LoggerFactory.getLogger(AutoPromoter.class);

  private final WorkerExecutor pool;
  private final AliasMoves aliases;
  private final PromotionRule rule;
  private final String alias;
  private final RegistryMetrics metrics;

  AutoPromoter(
      WorkerExecutor pool,
      AliasMoves aliases,
      PromotionRule rule,
      String alias,
      RegistryMetrics metrics) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.aliases = Objects.requireNonNull(aliases, "aliases");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.alias = Objects.requireNonNull(alias, "alias");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  Future<Void> handle(Delivery<EvaluationReportMessage> delivery) {
    EvaluationReportMessage report = delivery.value();
    metrics.evaluationSeen(report.passed()).increment();
    String correlationId = delivery.correlationId().orElse(report.correlationId());
    return pool.<PromotionRule.Decision>executeBlocking(
            () -> aliases.promoteAutomatically(rule, report, alias), false)
        .recover(
            failure -> {
              if (failure instanceof NotFoundException
                  || failure instanceof CorruptObjectException) {
                return Future.succeededFuture(
                    PromotionRule.Decision.skip(
                        PromotionRule.Reason.UNKNOWN_VERSION, failure.getMessage()));
              }
              LOG.warn(
                  "report {} for {} v{}: registry failed, will retry: {}",
                  report.requestId(),
                  report.modelId(),
                  report.version(),
                  failure.toString());
              return Future.failedFuture(failure);
            })
        .map(
            decision -> {
              if (decision.promote()) {
                LOG.info(
                    "promoted {} v{} to {} ({}; request {}, correlation {})",
                    report.modelId(),
                    report.version(),
                    alias,
                    decision.detail(),
                    report.requestId(),
                    correlationId);
              } else {
                metrics.skipped(decision.reason()).increment();
                LOG.info(
                    "not promoting {} v{} to {}: {} [{}] (request {}, correlation {})",
                    report.modelId(),
                    report.version(),
                    alias,
                    decision.detail(),
                    decision.reason().tag(),
                    report.requestId(),
                    correlationId);
              }
              return null;
            });
  }
}
