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
    Instant evaluatedAt) {

  /** Membership-inference attack result. */
  public record Mia(double accuracy, double std, List<Double> perSplitAccuracy) {}

  /**
   * One configured gate and its outcome.
   *
   * @param detail optional explanation, e.g. {@code 0.038 <= 0.05}
   */
  public record Gate(String name, boolean passed, String detail) {}
}
