package io.lethe.api;

import java.time.Instant;
import java.util.List;

/**
 * The evaluator's verdict on one model version ({@code schemas/evaluation-report.v1.json}). Named
 * apart from the engine's {@code io.lethe.engine.metrics.EvaluationReport}, which it carries over
 * the wire together with ids and gates.
 *
 * @param forgettingScore {@code |mia.accuracy - 0.5|}
 * @param nomus normalised machine-unlearning score
 * @param passed true when every gate passed
 * @param attacks every membership-inference attack run on the same samples and splits as {@code
 *     mia} ({@code loss} among them, equal to {@code mia}); null in reports that carry the loss
 *     attack alone, and then omitted from the JSON
 */
public record EvaluationReportMessage(
    String requestId,
    String correlationId,
    String modelId,
    int version,
    double testAccuracy,
    double testTop2Accuracy,
    Mia mia,
    double forgettingScore,
    double nomus,
    List<Gate> gates,
    boolean passed,
    Instant evaluatedAt,
    List<Attack> attacks) {

  public EvaluationReportMessage {
    if (attacks != null) {
      attacks = List.copyOf(attacks);
      if (attacks.stream().map(Attack::name).distinct().count() != attacks.size()) {
        throw new IllegalArgumentException("attack names must be unique, got " + attacks);
      }
    }
  }

  /** A report with the loss attack ({@code mia}) alone, as before there were other attacks. */
  public EvaluationReportMessage(
      String requestId,
      String correlationId,
      String modelId,
      int version,
      double testAccuracy,
      double testTop2Accuracy,
      Mia mia,
      double forgettingScore,
      double nomus,
      List<Gate> gates,
      boolean passed,
      Instant evaluatedAt) {
    this(
        requestId,
        correlationId,
        modelId,
        version,
        testAccuracy,
        testTop2Accuracy,
        mia,
        forgettingScore,
        nomus,
        gates,
        passed,
        evaluatedAt,
        null);
  }

  /** Membership-inference attack result. */
  public record Mia(double accuracy, double std, List<Double> perSplitAccuracy) {}

  /**
   * One membership-inference attack, named by the per-sample feature it thresholds.
   *
   * @param name e.g. {@code loss}, {@code confidence}, {@code entropy}, {@code modified_entropy}
   * @param forgettingScore {@code |accuracy - 0.5|}
   * @param seedStd the spread of the mean accuracy over repeats with other seeds (other balanced
   *     subsamples and splits); null when the attack ran with one seed
   */
  public record Attack(
      String name, double accuracy, double std, double forgettingScore, Double seedStd) {
    /** An attack run with one seed. */
    public Attack(String name, double accuracy, double std, double forgettingScore) {
      this(name, accuracy, std, forgettingScore, null);
    }

    /** The larger of the split spread and the seed spread: the noise the gates use. */
    public double noise() {
      return seedStd == null ? std : Math.max(std, seedStd);
    }
  }

  /**
   * One configured gate and its outcome.
   *
   * @param detail optional explanation, e.g. {@code 0.038 <= 0.05}
   */
  public record Gate(String name, boolean passed, String detail) {}
}
