package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.registry.service.PromotionRule.Reason;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.AliasHistory.Action;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromotionRuleTest {
  private static final PromotionRule ON = new PromotionRule(true);
  private static final Instant T = Instant.parse("2025-02-01T10:00:00Z");

  private static EvaluationReportMessage report(int version, boolean passed) {
    return new EvaluationReportMessage(
        "fr-" + version,
        "corr-" + version,
        "mnist-cnn",
        version,
        0.9,
        0.95,
        new EvaluationReportMessage.Mia(0.52, 0.01, List.of(0.52)),
        0.02,
        0.8,
        List.of(
            new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.02 <= 0.1"),
            new EvaluationReportMessage.Gate("maxNomusDrop", passed, "drop 0.05 > 0.02")),
        passed,
        T);
  }

  /** An alias history from (action, version) pairs, oldest first. */
  private static Optional<AliasHistory> history(Object... moves) {
    List<AliasHistory.Entry> entries = new ArrayList<>();
    for (int i = 0; i < moves.length; i += 2) {
      entries.add(new AliasHistory.Entry((Integer) moves[i + 1], T, (Action) moves[i]));
    }
    return Optional.of(new AliasHistory("mnist-cnn", "production", entries));
  }

  @Test
  void aPassingVersionBecomesTheFirstTargetOfAnUnsetAlias() {
    EvaluationReportMessage r = report(2, true);

    assertThat(ON.decide(r, Optional.of(r), Optional.empty()).promote()).isTrue();
  }

  @Test
  void aPassingVersionNewerThanTheCurrentTargetIsPromoted() {
    EvaluationReportMessage r = report(3, true);

    PromotionRule.Decision d = ON.decide(r, Optional.of(r), history(Action.PROMOTE, 2));

    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).isNull();
  }

  @Test
  void aFailingVersionIsNotPromotedAndTheFailedGateIsNamed() {
    EvaluationReportMessage r = report(3, false);

    PromotionRule.Decision d = ON.decide(r, Optional.of(r), history(Action.PROMOTE, 2));

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).isEqualTo(Reason.GATES_FAILED);
    assertThat(d.detail()).contains("maxNomusDrop").doesNotContain("maxForgettingScore");
  }

  @Test
  void aRedeliveredReportForTheCurrentTargetAddsNothing() {
    EvaluationReportMessage r = report(2, true);

    assertThat(ON.decide(r, Optional.of(r), history(Action.PROMOTE, 2)).reason())
        .isEqualTo(Reason.ALREADY_PROMOTED);
  }

  @Test
  void aReplayedReportDoesNotUndoAnOperatorsRollback() {
    EvaluationReportMessage r = report(3, true);

    PromotionRule.Decision d =
        ON.decide(
            r, Optional.of(r), history(Action.PROMOTE, 2, Action.PROMOTE, 3, Action.ROLLBACK, 2));

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).isEqualTo(Reason.ALREADY_PROMOTED);
  }

  @Test
  void anOlderPassingVersionDoesNotReplaceANewerTarget() {
    EvaluationReportMessage r = report(2, true);

    assertThat(ON.decide(r, Optional.of(r), history(Action.PROMOTE, 4)).reason())
        .isEqualTo(Reason.NOT_NEWER);
  }

  @Test
  void aReportTheRegistryHasNotRecordedOrContradictsIsNotTrusted() {
    EvaluationReportMessage passed = report(3, true);

    assertThat(ON.decide(passed, Optional.empty(), Optional.empty()).reason())
        .isEqualTo(Reason.NOT_RECORDED);
    assertThat(ON.decide(passed, Optional.of(report(3, false)), Optional.empty()).reason())
        .isEqualTo(Reason.REPORT_MISMATCH);
  }

  @Test
  void nothingIsPromotedWhenAutomaticPromotionIsOff() {
    EvaluationReportMessage r = report(2, true);

    PromotionRule.Decision d = new PromotionRule(false).decide(r, Optional.of(r), Optional.empty());

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).isEqualTo(Reason.AUTO_PROMOTION_OFF);
    assertThat(d.reason().tag()).isEqualTo("auto_promotion_off");
  }
}
