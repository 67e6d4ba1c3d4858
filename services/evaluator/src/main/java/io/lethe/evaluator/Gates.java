package io.lethe.evaluator;

import io.lethe.api.EvaluationReportMessage.Gate;
import io.lethe.engine.metrics.EvaluationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The configured quality gates, as a pure function of the new version's report and, if there is
 * one, its parent's report on the same forget set.
 *
 * <ul>
 *   <li>{@value #MAX_FORGETTING_SCORE}: {@code |MIA - 0.5| <= maxForgettingScore}.
 *   <li>{@value #MAX_NOMUS_DROP}: {@code parent NoMUS - NoMUS <= maxNomusDrop}; passes (and says
 *       so) when there is no parent to compare with.
 *   <li>{@value #FORGETTING_VS_PARENT}: the forgetting score fell significantly below the parent's,
 *       or is within the attack's noise band of chance ({@link ForgettingVsParent}); a version with
 *       the parent's parameters fails it ("changed nothing").
 *   <li>{@value #MAX_ACCURACY_DROP}: {@code parent test accuracy - test accuracy <=
 *       maxAccuracyDrop}; passes (and says so) when there is no parent. NoMUS alone would let a
 *       large gain in forgetting hide a large loss of utility.
 * </ul>
 */
public final class Gates {
  public static final String MAX_FORGETTING_SCORE = "maxForgettingScore";
  public static final String MAX_NOMUS_DROP = "maxNomusDrop";
  public static final String MAX_ACCURACY_DROP = "maxAccuracyDrop";
  public static final String FORGETTING_VS_PARENT = ForgettingVsParent.NAME;

  private final double maxForgettingScore;
  private final double maxNomusDrop;
  private final double maxAccuracyDrop;
  private final ForgettingVsParent relative;

  public Gates(
      double maxForgettingScore, double maxNomusDrop, double maxAccuracyDrop, NoiseRule noise) {
    this.maxForgettingScore = maxForgettingScore;
    this.maxNomusDrop = maxNomusDrop;
    this.maxAccuracyDrop = maxAccuracyDrop;
    this.relative = new ForgettingVsParent(noise);
  }

  public static Gates of(EvaluatorSettings settings) {
    return new Gates(
        settings.maxForgettingScore(),
        settings.maxNomusDrop(),
        settings.maxAccuracyDrop(),
        settings.noise());
  }

  /** The gates of a version whose parameters differ from its parent's. */
  public List<Gate> apply(EvaluationReport report, EvaluationReport parent) {
    return apply(report, parent, false);
  }

  /**
   * @param parent the parent's report on the same forget set, or {@code null} for none
   * @param sameParameters whether the version's parameters are byte for byte its parent's
   */
  public List<Gate> apply(
      EvaluationReport report, EvaluationReport parent, boolean sameParameters) {
    List<Gate> gates = new ArrayList<>();
    double score = report.forgettingScore();
    boolean scoreOk = score <= maxForgettingScore;
    gates.add(
        new Gate(
            MAX_FORGETTING_SCORE,
            scoreOk,
            format("forgetting score %.4f %s %.4f", score, scoreOk, maxForgettingScore)));
    gates.add(
        dropBelowParent(
            MAX_NOMUS_DROP,
            "NoMUS",
            report.nomus(),
            parent == null ? Double.NaN : parent.nomus(),
            maxNomusDrop));
    gates.add(relative.apply(report, parent, sameParameters));
    gates.add(
        dropBelowParent(
            MAX_ACCURACY_DROP,
            "test accuracy",
            report.testAccuracy(),
            parent == null ? Double.NaN : parent.testAccuracy(),
            maxAccuracyDrop));
    return gates;
  }

  /**
   * A gate bounding how far {@code value} may fall below the parent's: passes, saying so, when
   * there is no parent ({@code parentValue} NaN).
   */
  private static Gate dropBelowParent(
      String name, String what, double value, double parentValue, double maxDrop) {
    if (Double.isNaN(parentValue)) {
      return new Gate(name, true, "no parent version to compare with");
    }
    double drop = parentValue - value;
    boolean ok = drop <= maxDrop;
    return new Gate(
        name,
        ok,
        format(
            "%s %.4f vs parent %.4f: drop %.4f %s %.4f",
            what, value, parentValue, drop, ok, maxDrop));
  }

  /** True when every gate passed. */
  public static boolean allPassed(List<Gate> gates) {
    return gates.stream().allMatch(Gate::passed);
  }

  private static String format(String pattern, Object... args) {
    Object[] a = args.clone();
    for (int i = 0; i < a.length; i++) {
      if (a[i] instanceof Boolean ok) {
        a[i] = ok ? "<=" : ">";
      }
    }
    return String.format(Locale.ROOT, pattern, a);
  }
}
