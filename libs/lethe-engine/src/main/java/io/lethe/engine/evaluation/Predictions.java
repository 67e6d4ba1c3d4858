package io.lethe.engine.evaluation;

import io.lethe.engine.metrics.AttackFeature;
import io.lethe.engine.metrics.EvaluationReport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model did on a set of samples, sample by sample (eval mode).
 *
 * @param indices dataset indices of the samples, in order
 * @param losses per-sample classification loss
 * @param top1Correct per sample: top-1 prediction right (multi-label: fraction of attributes right)
 * @param top2Correct per sample: label among the two highest logits (multi-label: same as top-1)
 * @param features per sample, the {@link AttackFeature}s the {@link Predictor} was asked for
 *     (computed in double precision from the logits and labels); empty when none was
 */
public record Predictions(
    int[] indices,
    double[] losses,
    double[] top1Correct,
    double[] top2Correct,
    Map<AttackFeature, double[]> features) {

  /**
   * The attack inputs of these samples by attack name: the loss ({@link
   * EvaluationReport#LOSS_ATTACK}, the engine's own per-sample loss, as exported) first, then each
   * computed {@link AttackFeature} in declaration order.
   */
  public Map<String, double[]> attackInputs() {
    Map<String, double[]> inputs = new LinkedHashMap<>();
    inputs.put(EvaluationReport.LOSS_ATTACK, losses);
    for (AttackFeature f : AttackFeature.values()) {
      if (features.containsKey(f)) {
        inputs.put(f.key(), features.get(f));
      }
    }
    return inputs;
  }

  public int size() {
    return indices.length;
  }

  public double accuracy() {
    return mean(top1Correct);
  }

  public double top2Accuracy() {
    return mean(top2Correct);
  }

  public double meanLoss() {
    return mean(losses);
  }

  private static double mean(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
