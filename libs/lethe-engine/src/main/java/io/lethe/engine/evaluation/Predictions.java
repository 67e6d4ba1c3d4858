package io.lethe.engine.evaluation;

/**
 * What a model did on a set of samples, sample by sample (eval mode).
 *
 * @param indices dataset indices of the samples, in order
 * @param losses per-sample classification loss
 * @param top1Correct per sample: top-1 prediction right (multi-label: fraction of attributes right)
 * @param top2Correct per sample: label among the two highest logits (multi-label: same as top-1)
 */
public record Predictions(
    int[] indices, double[] losses, double[] top1Correct, double[] top2Correct) {

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
