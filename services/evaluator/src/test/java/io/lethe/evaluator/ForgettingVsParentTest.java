package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.EvaluationReportMessage.Gate;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForgettingVsParentTest {
  private final ForgettingVsParent gate = new ForgettingVsParent(NoiseRule.DEFAULTS);

  /** A report whose loss attack has accuracy {@code mia}, std {@code sd} and n of each kind. */
  private static EvaluationReport report(double mia, double sd, int n) {
    return new EvaluationReport(0.8, 0.9, new MiaResult(mia, sd, List.of(mia), n, n));
  }

  @Test
  void aSignificantDropPasses() {
    // drop 0.30 - 0.15 = 0.15 >= 2 * sqrt(0.03^2 + 0.03^2) = 0.0849; 0.15 > 2 * 0.03
    Gate g = gate.apply(report(0.65, 0.03, 200), report(0.80, 0.03, 200), false);
    assertThat(g.name()).isEqualTo(Gates.FORGETTING_VS_PARENT);
    assertThat(g.passed()).isTrue();
    assertThat(g.detail())
        .startsWith("fell significantly")
        .contains("score 0.1500 (sd 0.0300) vs parent 0.3000 (sd 0.0300)")
        .contains("2.0 sd = 0.0849");
  }

  @Test
  void aDropSmallerThanTheNoiseFails() {
    // drop 0.05 < 0.0849, and 0.25 above the band 0.06
    Gate g = gate.apply(report(0.75, 0.03, 200), report(0.80, 0.03, 200), false);
    assertThat(g.passed()).isFalse();
    assertThat(g.detail()).startsWith("did not fall significantly");
  }

  @Test
  void aScoreWithinTheNoiseBandPassesAsNotMeasurable() {
    // The README's main command: 0.0575 (sd 0.0297) vs parent 0.0588 (sd 0.0316)
    Gate g = gate.apply(report(0.5575, 0.0297, 300), report(0.5588, 0.0316, 300), false);
    assertThat(g.passed()).isTrue();
    assertThat(g.detail())
        .startsWith("within the noise band: not measurable at this size")
        .contains("score <= 2.0 sd = 0.0594");
  }

  @Test
  void aParentAboveItsBandAndAVersionWithinItsBandFellToChance() {
    // The main command's run: parent 0.0825 (sd 0.0185), above its band 0.037; v2 0.0306 (sd
    // 0.0236), within its band 0.0472, although the drop 0.0519 is under 2 sd of the difference
    Gate g = gate.apply(report(0.5306, 0.0236, 800), report(0.5825, 0.0185, 800), false);
    assertThat(g.passed()).isTrue();
    assertThat(g.detail())
        .startsWith("fell to within the noise band of chance")
        .contains("score <= 2.0 sd = 0.0472")
        .contains("the parent's was above its band 0.0370")
        .doesNotContain("not measurable");
  }

  @Test
  void theParentsParametersFailWithChangedNothingEvenWithinTheBand() {
    Gate clear = gate.apply(report(0.9, 0.02, 200), report(0.9, 0.02, 200), true);
    assertThat(clear.passed()).isFalse();
    assertThat(clear.detail()).startsWith("changed nothing: the parameters are the parent's");
    Gate quiet = gate.apply(report(0.51, 0.03, 200), report(0.51, 0.03, 200), true);
    assertThat(quiet.passed()).isFalse();
    assertThat(quiet.detail()).startsWith("changed nothing");
  }

  @Test
  void anEqualScoreAboveTheBandFailsWithChangedNothing() {
    Gate g = gate.apply(report(0.8, 0.02, 200), report(0.8, 0.02, 200), false);
    assertThat(g.passed()).isFalse();
    assertThat(g.detail()).startsWith("changed nothing: the score equals the parent's");
  }

  @Test
  void aRiseFails() {
    Gate g = gate.apply(report(0.9, 0.02, 200), report(0.7, 0.02, 200), false);
    assertThat(g.passed()).isFalse();
    assertThat(g.detail()).startsWith("the score rose").contains("drop -0.2000");
  }

  @Test
  void tooFewSamplesAreNotMeasurableAndLeaveTheDecisionToTheOtherGates() {
    // One person's few images: whatever the scores, the attack cannot decide; the deletion must
    // stay promotable, and the detail says why.
    Gate rose = gate.apply(report(0.95, 0.03, 20), report(0.65, 0.03, 20), false);
    assertThat(rose.passed()).isTrue();
    assertThat(rose.detail())
        .startsWith(
            "not measurable at this size (20 members, 20 non-members < 50): the attack cannot"
                + " decide");
    // ... but a copy of the parent still changed nothing
    assertThat(gate.apply(report(0.65, 0.03, 20), report(0.65, 0.03, 20), true).passed()).isFalse();
    // With enough samples the same rise fails
    assertThat(gate.apply(report(0.95, 0.03, 200), report(0.65, 0.03, 200), false).passed())
        .isFalse();
  }

  @Test
  void noParentPassesSayingSo() {
    Gate g = gate.apply(report(0.9, 0.02, 200), null, false);
    assertThat(g.passed()).isTrue();
    assertThat(g.detail()).startsWith("no parent version");
  }

  @Test
  void zeroNoiseNeedsARealDrop() {
    // sd 0 on both sides: an equal score is no drop, any fall is
    assertThat(gate.apply(report(1.0, 0, 200), report(1.0, 0, 200), false).passed()).isFalse();
    assertThat(gate.apply(report(0.99, 0, 200), report(1.0, 0, 200), false).passed()).isTrue();
  }

  /** A report with the loss attack and a logit_confidence attack, both of n per kind. */
  private static EvaluationReport twoAttacks(double lossMia, double logitMia, double sd, int n) {
    MiaResult loss = new MiaResult(lossMia, sd, List.of(lossMia), n, n);
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put(EvaluationReport.LOSS_ATTACK, loss);
    attacks.put("logit_confidence", new MiaResult(logitMia, sd, List.of(logitMia), n, n));
    return new EvaluationReport(0.8, 0.9, loss, attacks);
  }

  @Test
  void theStrongestAttackDecidesNotTheLossAttack() {
    // loss: 0.20 -> 0.05 would pass; logit_confidence (the child's strongest): 0.22 -> 0.21 fails
    Gate g =
        gate.apply(twoAttacks(0.55, 0.71, 0.02, 200), twoAttacks(0.70, 0.72, 0.02, 200), false);
    assertThat(g.passed()).isFalse();
    assertThat(g.detail())
        .startsWith("did not fall significantly")
        .contains("logit_confidence attack (the strongest): score 0.2100");
  }

  @Test
  void aParentWithoutTheStrongestAttackIsComparedOnTheLossAttack() {
    Gate g = gate.apply(twoAttacks(0.55, 0.71, 0.02, 200), report(0.70, 0.02, 200), false);
    assertThat(g.passed()).isTrue();
    assertThat(g.detail())
        .contains("loss attack (the parent's report lacks the strongest, logit_confidence)");
  }

  @Test
  void theSpreadAcrossSeedsWidensTheNoise() {
    // split sd 0.01 alone: drop 0.05 >= 2 * sqrt(2) * 0.01 passes; a seed spread of 0.03 makes
    // the noise 0.03 per side and the needed drop 0.0849
    EvaluationReport parent = report(0.80, 0.01, 200);
    EvaluationReport child = report(0.75, 0.01, 200);
    assertThat(gate.apply(child, parent, false).passed()).isTrue();
    EvaluationReport noisyParent = new EvaluationReport(0.8, 0.9, parent.mia().withSeedStd(0.03));
    EvaluationReport noisyChild = new EvaluationReport(0.8, 0.9, child.mia().withSeedStd(0.03));
    Gate g = gate.apply(noisyChild, noisyParent, false);
    assertThat(g.passed()).isFalse();
    assertThat(g.detail()).contains("(sd 0.0300)").contains("2.0 sd = 0.0849");
  }
}
