package io.lethe.bench.unlearning;

import io.lethe.engine.metrics.UnlearningScores;

/**
 * A tuning trial's result: accuracy on the tuning accuracy set and the attack's accuracy on forget
 * vs the tuning non-members. The objective is NoMUS computed from these two instead of test and
 * unseen, so it has the same trade-off as the reported score without reading the reported sets.
 */
public record TuningScore(double accuracy, double mia, boolean diverged) {
  public TuningScore(double accuracy, double mia) {
    this(accuracy, mia, false);
  }

  /**
   * A candidate whose run produced non-finite losses (e.g. a learning rate too large for the
   * model): it loses to every candidate that did not diverge, instead of aborting the search.
   */
  public static TuningScore divergedRun() {
    return new TuningScore(Double.NaN, Double.NaN, true);
  }

  public double forgettingScore() {
    return diverged ? Double.NaN : UnlearningScores.forgettingScore(mia);
  }

  public double objective() {
    return diverged ? Double.NEGATIVE_INFINITY : UnlearningScores.nomus(accuracy, mia);
  }
}
