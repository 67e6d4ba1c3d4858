package io.lethe.bench.unlearning;

import io.lethe.engine.metrics.UnlearningScores;

/**
 * A tuning trial's result: accuracy on the tuning accuracy set and the attack's accuracy on forget
 * vs the tuning non-members. The objective is NoMUS computed from these two instead of test and
 * unseen, so it has the same trade-off as the reported score without reading the reported sets.
 */
public record TuningScore(double accuracy, double mia) {
  public double forgettingScore() {
    return UnlearningScores.forgettingScore(mia);
  }

  public double objective() {
    return UnlearningScores.nomus(accuracy, mia);
  }
}
