package io.lethe.evaluator;

import io.lethe.api.EvaluationReportMessage.Gate;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.Locale;
import java.util.Objects;

/**
 * Gate {@value #NAME}: the forgetting score ({@code |MIA - 0.5|}) of the <em>strongest</em> attack
 * on the new version — the attack that tells its forget set from unseen samples best — must have
 * fallen significantly below the parent's score under the same attack on the same forget set, or
 * sit within that attack's noise band of chance. A no-op cannot pass it unless the parent was
 * already indistinguishable from chance. The noise {@code σ} of a score is the attack's {@link
 * MiaResult#noise()}: the larger of its spread across splits and the spread of its mean across
 * seeds (other balanced subsamples and splits). When the parent's report lacks that attack (a
 * report stored before it existed), both sides use the loss attack, and the detail says so. In
 * order:
 *
 * <ol>
 *   <li>no parent: passes, saying so;
 *   <li>the version's parameters are the parent's (same sha256): fails, "changed nothing";
 *   <li>{@code score <= k·σ_child} while the parent's score was above its own band {@code
 *       k·σ_parent}: passes, "fell to within the noise band of chance" (the parent visibly
 *       remembered, the version cannot be told from chance);
 *   <li>{@code score <= k·σ_child} otherwise: passes, "not measurable at this size" (the attack
 *       cannot tell members from non-members beyond its own noise, before or after);
 *   <li>fewer than {@code minAttackSamples} members or non-members: passes, "not measurable at this
 *       size" (the spread of so few samples' splits is no noise estimate to test a drop against;
 *       failing here would leave every deletion of one person with a few images unpromotable, so
 *       the other gates decide, and the report says the attack could not);
 *   <li>{@code parent - score >= z·sqrt(σp² + σc²)} and above 0: passes, "fell significantly";
 *   <li>otherwise fails: "changed nothing" when the scores are equal, "rose" or "did not fall
 *       significantly".
 * </ol>
 *
 * Every detail states the scores, their σ and the rule that decided.
 */
final class ForgettingVsParent {
  static final String NAME = "forgettingVsParent";
  static final String NOT_MEASURABLE = "not measurable at this size";
  static final String CHANGED_NOTHING = "changed nothing";

  private final NoiseRule rule;

  ForgettingVsParent(NoiseRule rule) {
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  /**
   * @param parent the parent's report on the same forget set, or null for none
   * @param sameParameters whether the version's parameters are byte for byte the parent's
   */
  Gate apply(EvaluationReport report, EvaluationReport parent, boolean sameParameters) {
    String attack = report.strongestAttack();
    if (parent != null && !parent.attacks().containsKey(attack)) {
      attack = EvaluationReport.LOSS_ATTACK;
    }
    MiaResult child = report.attacks().get(attack);
    double score = child.forgettingScore();
    double sc = child.noise();
    if (parent == null) {
      return new Gate(
          NAME,
          true,
          f(
              "no parent version to compare with (%s attack: score %.4f, sd %.4f)",
              attack, score, sc));
    }
    MiaResult parentResult = parent.attacks().get(attack);
    double ps = parentResult.forgettingScore();
    double sp = parentResult.noise();
    String scores =
        f(
            "%s attack%s: score %.4f (sd %.4f) vs parent %.4f (sd %.4f)",
            attack,
            attack.equals(report.strongestAttack())
                ? " (the strongest)"
                : " (the parent's report lacks the strongest, " + report.strongestAttack() + ")",
            score,
            sc,
            ps,
            sp);
    if (sameParameters) {
      return new Gate(
          NAME,
          false,
          CHANGED_NOTHING + ": the parameters are the parent's (same sha256); " + scores);
    }
    double band = rule.bandSigmas() * sc;
    double parentBand = rule.bandSigmas() * sp;
    if (score <= band && ps > parentBand) {
      return new Gate(
          NAME,
          true,
          f(
              "fell to within the noise band of chance: %s (score <= %.1f sd = %.4f; the parent's"
                  + " was above its band %.4f)",
              scores, rule.bandSigmas(), band, parentBand));
    }
    if (score <= band) {
      return new Gate(
          NAME,
          true,
          f(
              "within the noise band: %s (%s; score <= %.1f sd = %.4f)",
              NOT_MEASURABLE, scores, rule.bandSigmas(), band));
    }
    int members = child.memberCount();
    int nonMembers = child.nonMemberCount();
    if (Math.min(members, nonMembers) < rule.minAttackSamples()) {
      return new Gate(
          NAME,
          true,
          f(
              "%s (%d members, %d non-members < %d): the attack cannot decide, the other gates"
                  + " do; %s, above the noise band %.1f sd = %.4f",
              NOT_MEASURABLE,
              members,
              nonMembers,
              rule.minAttackSamples(),
              scores,
              rule.bandSigmas(),
              band));
    }
    double drop = ps - score;
    double noise = Math.sqrt(sp * sp + sc * sc);
    double needed = rule.minDropSigmas() * noise;
    String test =
        f("drop %.4f vs %.1f sd = %.4f (sd %.4f)", drop, rule.minDropSigmas(), needed, noise);
    if (drop > 0 && drop >= needed) {
      return new Gate(NAME, true, f("fell significantly: %s; %s", scores, test));
    }
    String why;
    if (Double.compare(score, ps) == 0) {
      why = CHANGED_NOTHING + ": the score equals the parent's";
    } else if (drop < 0) {
      why = "the score rose";
    } else {
      why = "did not fall significantly";
    }
    return new Gate(
        NAME,
        false,
        f(
            "%s: %s; %s, and above the noise band %.1f sd = %.4f",
            why, scores, test, rule.bandSigmas(), band));
  }

  private static String f(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
