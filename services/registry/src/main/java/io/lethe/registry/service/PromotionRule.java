package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.store.AliasHistory;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether an evaluation report read from {@code lethe.evaluations} moves the alias, as a pure
 * function of the report, the registry's stored evaluation of the same version and the alias's
 * history. The rules, in order:
 *
 * <ol>
 *   <li>automatic promotion switched off: skip ({@link Reason#AUTO_PROMOTION_OFF});
 *   <li>the registry holds no evaluation for the version ({@link Reason#NOT_RECORDED}) or one whose
 *       verdict differs from the message ({@link Reason#REPORT_MISMATCH}): skip. The write-once
 *       evaluation in the registry, not a Kafka message, is what a promotion relies on;
 *   <li>the version failed its gates: skip ({@link Reason#GATES_FAILED});
 *   <li>the alias was ever promoted to this version: skip ({@link Reason#ALREADY_PROMOTED}). This
 *       makes redelivery harmless, and a version that an operator rolled back is not brought back
 *       by a replayed report;
 *   <li>the alias points at a newer (or the same) version: skip ({@link Reason#NOT_NEWER});
 *   <li>otherwise promote, unless the version still encodes a subject whose forgetting is complete
 *       ({@link Reason#PREDATES_FORGETTING}, checked by {@link AliasMoves}: automatic promotion
 *       never overrides that guard).
 * </ol>
 */
final class PromotionRule {
  /** Why a report did not move the alias; {@link #tag()} is the metric tag. */
  enum Reason {
    AUTO_PROMOTION_OFF,
    NOT_RECORDED,
    REPORT_MISMATCH,
    GATES_FAILED,
    ALREADY_PROMOTED,
    NOT_NEWER,
    UNKNOWN_VERSION,
    PREDATES_FORGETTING;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The outcome.
   *
   * @param promote whether to point the alias at the report's version
   * @param reason why not; {@code null} when {@code promote}
   * @param detail a sentence for the log
   */
  record Decision(boolean promote, Reason reason, String detail) {
    static Decision promote(String detail) {
      return new Decision(true, null, detail);
    }

    static Decision skip(Reason reason, String detail) {
      return new Decision(false, Objects.requireNonNull(reason, "reason"), detail);
    }
  }

  private final boolean enabled;

  PromotionRule(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @param stored the registry's evaluation of the report's version, if any
   * @param history the alias's history, empty if it was never set
   */
  Decision decide(
      EvaluationReportMessage report,
      Optional<EvaluationReportMessage> stored,
      Optional<AliasHistory> history) {
    Objects.requireNonNull(report, "report");
    String version = report.modelId() + " v" + report.version();
    if (!enabled) {
      return Decision.skip(Reason.AUTO_PROMOTION_OFF, "automatic promotion is switched off");
    }
    if (stored.isEmpty()) {
      return Decision.skip(
          Reason.NOT_RECORDED,
          version + " has no evaluation in the registry; not trusting the message alone");
    }
    if (stored.get().passed() != report.passed()) {
      return Decision.skip(
          Reason.REPORT_MISMATCH,
          version
              + ": the message says passed="
              + report.passed()
              + " but the registry's evaluation says passed="
              + stored.get().passed());
    }
    if (!report.passed()) {
      return Decision.skip(Reason.GATES_FAILED, version + " failed " + failedGates(report));
    }
    if (history.isPresent()) {
      AliasHistory h = history.get();
      boolean promotedBefore =
          h.entries().stream()
              .anyMatch(
                  e ->
                      e.action() == AliasHistory.Action.PROMOTE && e.version() == report.version());
      if (promotedBefore) {
        return Decision.skip(
            Reason.ALREADY_PROMOTED,
            version
                + " was promoted to "
                + h.alias()
                + " before (now at v"
                + h.current()
                + "); a replayed report does not promote it again");
      }
      if (h.current() >= report.version()) {
        return Decision.skip(
            Reason.NOT_NEWER,
            h.alias() + " already points at v" + h.current() + ", not older than " + version);
      }
      return Decision.promote(version + " passed its gates and is newer than v" + h.current());
    }
    return Decision.promote(version + " passed its gates; first target of the alias");
  }

  private static String failedGates(EvaluationReportMessage report) {
    String failed =
        String.join(
            "; ",
            report.gates().stream()
                .filter(g -> !g.passed())
                .map(g -> g.detail() == null ? g.name() : g.name() + " (" + g.detail() + ")")
                .toList());
    return failed.isEmpty() ? "its gates" : "its gates: " + failed;
  }
}
