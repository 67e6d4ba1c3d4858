package io.lethe.embedded;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.ModelStore;

/**
 * Moves {@code production} to a version whose evaluation passed its gates: what the registry
 * service's auto-promotion does. TODO(lead): once {@code services/registry} is merged, deploy its
 * {@code Registry} component in {@link EmbeddedPipeline} and wait for the alias to move instead of
 * promoting here.
 */
final class StandInPromotion {
  static final String PRODUCTION = "production";

  private StandInPromotion() {}

  /** Promotes the reported version if it passed; returns where production points afterwards. */
  static int apply(ModelStore store, EvaluationReportMessage report) {
    if (report.passed()) {
      store.promote(report.modelId(), PRODUCTION, report.version());
    }
    return store.resolve(report.modelId(), PRODUCTION);
  }
}
