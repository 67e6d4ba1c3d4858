package io.lethe.engine.metrics;

/**
 * Per-sample features of a model's output that a membership-inference attack can threshold, besides
 * the loss (which the engine records itself, see {@link EvaluationReport#LOSS_ATTACK}). Song &amp;
 * Mittal, "Systematic Evaluation of Privacy Risks of Machine Learning Models" (USENIX Security
 * 2021), with {@code F = softmax(logits)} and {@code y} the true class:
 *
 * <ul>
 *   <li>{@link #CONFIDENCE}: {@code max_i F_i}
 *   <li>{@link #ENTROPY}: {@code -sum_i F_i log F_i}
 *   <li>{@link #MODIFIED_ENTROPY}: {@code -(1 - F_y) log F_y - sum_{i != y} F_i log(1 - F_i)}
 * </ul>
 *
 * and the statistic of LiRA (Carlini et al., "Membership Inference Attacks From First Principles",
 * IEEE S&amp;P 2022), here with one global threshold instead of LiRA's per-example calibration by
 * shadow models:
 *
 * <ul>
 *   <li>{@link #LOGIT_CONFIDENCE}: {@code log F_y - log(1 - F_y)}, the logit-scaled confidence in
 *       the true class. Unlike the loss {@code -log F_y}, it keeps resolving samples the model fits
 *       almost perfectly ({@code F_y} near 1), where a memorised training sample and a merely
 *       well-classified unseen one differ by orders of magnitude in {@code 1 - F_y}.
 * </ul>
 *
 * <p>Everything is computed in double precision from the logits in log space (log-sum-exp), so
 * extreme logits give finite, accurate values: e.g. {@code log(1 - F_i)} for a class that takes
 * almost all the mass is a log-sum-exp over the other classes, not {@code log(0)}.
 *
 * <p>Multi-label outputs (one logit per attribute, sigmoid) are read as one two-class softmax per
 * attribute, over logits {@code (0, z)}, and the feature is the mean over attributes, as the
 * engine's multi-label loss is the mean binary cross-entropy over attributes.
 */
public enum AttackFeature {
  CONFIDENCE("confidence") {
    @Override
    double of(Softmax f, int label) {
      return Math.exp(f.maxLogProbability());
    }
  },
  ENTROPY("entropy") {
    @Override
    double of(Softmax f, int label) {
      double h = 0;
      for (int i = 0; i < f.classes(); i++) {
        h -= f.probability(i) * f.logProbability(i);
      }
      return h;
    }
  },
  MODIFIED_ENTROPY("modified_entropy") {
    @Override
    double of(Softmax f, int label) {
      double m = f.complement(label) * -f.logProbability(label);
      for (int i = 0; i < f.classes(); i++) {
        if (i != label) {
          m -= f.probability(i) * f.logComplement(i);
        }
      }
      return m;
    }
  },
  LOGIT_CONFIDENCE("logit_confidence") {
    @Override
    double of(Softmax f, int label) {
      return f.logProbability(label) - f.logComplement(label);
    }
  };

  private final String key;

  AttackFeature(String key) {
    this.key = key;
  }

  /** The attack's name in reports and JSON, e.g. {@code modified_entropy}. */
  public String key() {
    return key;
  }

  abstract double of(Softmax f, int label);

  /**
   * The feature of one single-label sample.
   *
   * @param logits the model's logits
   * @param label the true class, in {@code [0, logits.length)}
   * @return the feature, or NaN if a logit is not finite (a diverged model), which the attack then
   *     rejects as it rejects a non-finite loss
   */
  public double of(double[] logits, int label) {
    if (label < 0 || label >= logits.length) {
      throw new IllegalArgumentException(
          "label " + label + " is not a class of " + logits.length + " logits");
    }
    for (double z : logits) {
      if (!Double.isFinite(z)) {
        return Double.NaN;
      }
    }
    return of(new Softmax(logits), label);
  }

  /**
   * The feature of one multi-label sample: the mean over attributes of the feature of the two-class
   * softmax over {@code (0, logits[a])}, whose true class is 1 when {@code targets[a] > 0.5}.
   */
  public double ofAttributes(double[] logits, double[] targets) {
    if (logits.length == 0 || logits.length != targets.length) {
      throw new IllegalArgumentException(
          logits.length + " attribute logits but " + targets.length + " targets");
    }
    double sum = 0;
    for (int a = 0; a < logits.length; a++) {
      sum += of(new double[] {0, logits[a]}, targets[a] > 0.5 ? 1 : 0);
    }
    return sum / logits.length;
  }

  /** The attack feature with the given {@link #key()}. */
  public static AttackFeature ofKey(String key) {
    for (AttackFeature f : values()) {
      if (f.key.equals(key)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no attack feature '" + key + "'");
  }

  /** A softmax held in log space, with accurate complements {@code 1 - F_i}. */
  static final class Softmax {
    private final double[] logP;
    private final double[] p;
    private final int argmax;
    private final double[] logits;
    private final double logSumExp;

    Softmax(double[] logits) {
      int k = logits.length;
      if (k == 0) {
        throw new IllegalArgumentException("no logits");
      }
      int best = 0;
      for (int i = 0; i < k; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      double max = logits[best];
      double sum = 0;
      for (double z : logits) {
        sum += Math.exp(z - max);
      }
      this.logits = logits;
      this.argmax = best;
      this.logSumExp = max + Math.log(sum);
      this.logP = new double[k];
      this.p = new double[k];
      for (int i = 0; i < k; i++) {
        logP[i] = logits[i] - logSumExp;
        p[i] = Math.exp(logP[i]);
      }
    }

    int classes() {
      return p.length;
    }

    double probability(int i) {
      return p[i];
    }

    double logProbability(int i) {
      return logP[i];
    }

    double maxLogProbability() {
      return logP[argmax];
    }

    /** {@code 1 - F_i} as the sum of the other probabilities (no cancellation near 1). */
    double complement(int i) {
      double s = 0;
      for (int j = 0; j < p.length; j++) {
        if (j != i) {
          s += p[j];
        }
      }
      return s;
    }

    /**
     * {@code log(1 - F_i)}: {@code log1p(-F_i)} when {@code F_i <= 1/2}, else a log-sum-exp over
     * the other classes, which stays finite when {@code 1 - F_i} underflows.
     */
    double logComplement(int i) {
      if (p[i] <= 0.5) {
        return Math.log1p(-p[i]);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < logits.length; j++) {
        if (j != i) {
          max = Math.max(max, logits[j]);
        }
      }
      if (max == Double.NEGATIVE_INFINITY) {
        return Double.NEGATIVE_INFINITY; // one class: its complement is empty
      }
      double sum = 0;
      for (int j = 0; j < logits.length; j++) {
        if (j != i) {
          sum += Math.exp(logits[j] - max);
        }
      }
      return max + Math.log(sum) - logSumExp;
    }
  }
}
