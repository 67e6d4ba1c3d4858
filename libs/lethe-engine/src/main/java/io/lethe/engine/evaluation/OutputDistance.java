package io.lethe.engine.evaluation;

/**
 * How close two models' outputs are on the same samples: the share of samples on which they predict
 * the same class, and the mean Jensen-Shannon divergence (natural log, in [0, ln 2]) between their
 * output distributions. The unlearning literature compares a method with Retrain this way: a method
 * that forgot like Retrain agrees with it on forget, retain and test samples alike.
 *
 * <p>Outputs are probability rows as {@link ModelOutputs} holds them: one softmax per sample for a
 * single-label model; for a multi-label model one Bernoulli per attribute, compared attribute by
 * attribute (agreement: the share of attributes predicted alike; divergence: the mean over
 * attributes).
 *
 * @param agreement share of samples (or attributes) with the same prediction, in [0, 1]
 * @param jsDivergence mean Jensen-Shannon divergence per sample, in [0, ln 2]
 * @param samples how many samples were compared
 */
public record OutputDistance(double agreement, double jsDivergence, int samples) {

  /**
   * @throws IllegalArgumentException if the outputs are not of the same samples or not of the same
   *     kind
   */
  public static OutputDistance between(ModelOutputs a, ModelOutputs b) {
    if (!java.util.Arrays.equals(a.indices(), b.indices())) {
      throw new IllegalArgumentException("the two outputs are not of the same samples");
    }
    if (a.multiLabel() != b.multiLabel() || a.width() != b.width()) {
      throw new IllegalArgumentException(
          "outputs of different shapes: " + a.width() + " vs " + b.width() + " columns");
    }
    int n = a.size();
    if (n == 0) {
      throw new IllegalArgumentException("no samples to compare");
    }
    double agree = 0;
    double js = 0;
    for (int i = 0; i < n; i++) {
      float[] p = a.probabilities()[i];
      float[] q = b.probabilities()[i];
      if (a.multiLabel()) {
        double rowAgree = 0;
        double rowJs = 0;
        for (int k = 0; k < p.length; k++) {
          rowAgree += (p[k] > 0.5f) == (q[k] > 0.5f) ? 1 : 0;
          rowJs += jensenShannon(new double[] {p[k], 1 - p[k]}, new double[] {q[k], 1 - q[k]});
        }
        agree += rowAgree / p.length;
        js += rowJs / p.length;
      } else {
        agree += argmax(p) == argmax(q) ? 1 : 0;
        js += jensenShannon(toDouble(p), toDouble(q));
      }
    }
    return new OutputDistance(agree / n, js / n, n);
  }

  static double jensenShannon(double[] p, double[] q) {
    double d = 0;
    for (int k = 0; k < p.length; k++) {
      double m = 0.5 * (p[k] + q[k]);
      d += 0.5 * term(p[k], m) + 0.5 * term(q[k], m);
    }
    // Rounding can leave a tiny negative value for identical rows.
    return Math.max(0, d);
  }

  private static double term(double x, double m) {
    return x <= 0 ? 0 : x * Math.log(x / m);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) {
      if (v[k] > v[best]) {
        best = k;
      }
    }
    return best;
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = v[k];
    }
    return out;
  }
}
