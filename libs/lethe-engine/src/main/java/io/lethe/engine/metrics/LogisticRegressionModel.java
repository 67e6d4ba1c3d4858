package io.lethe.engine.metrics;

import java.util.Arrays;

/**
 * A fitted binary logistic regression: {@code P(y=1 | x) = sigmoid(intercept + weights.x)}.
 * Predictions follow sklearn: class 1 exactly when the decision function is strictly positive.
 */
public final class LogisticRegressionModel {
  private final double[] weights;
  private final double intercept;
  private final int iterations;
  private final boolean converged;

  LogisticRegressionModel(double[] weights, double intercept, int iterations, boolean converged) {
    this.weights = weights.clone();
    this.intercept = intercept;
    this.iterations = iterations;
    this.converged = converged;
  }

  /** The coefficients, one per feature (sklearn's {@code coef_[0]}). */
  public double[] weights() {
    return weights.clone();
  }

  /** sklearn's {@code intercept_[0]}. */
  public double intercept() {
    return intercept;
  }

  /** Newton iterations used. */
  public int iterations() {
    return iterations;
  }

  /** Whether the solver met its tolerance within its iteration cap. */
  public boolean converged() {
    return converged;
  }

  /** The log-odds {@code intercept + weights.x} (sklearn's {@code decision_function}). */
  public double decisionFunction(double[] x) {
    if (x == null || x.length != weights.length) {
      throw new IllegalArgumentException(
          "expected "
              + weights.length
              + " features, got "
              + (x == null ? "null" : String.valueOf(x.length)));
    }
    double z = intercept;
    for (int j = 0; j < x.length; j++) {
      z += weights[j] * x[j];
    }
    return z;
  }

  /** {@code P(y = 1 | x)}. */
  public double predictProbability(double[] x) {
    return sigmoid(decisionFunction(x));
  }

  /** 1 if the decision function is strictly positive, else 0 (as sklearn). */
  public int predict(double[] x) {
    return decisionFunction(x) > 0 ? 1 : 0;
  }

  /** The logistic function, without overflow for large |z|. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  @Override
  public String toString() {
    return "LogisticRegressionModel[weights="
        + Arrays.toString(weights)
        + ", intercept="
        + intercept
        + ", iterations="
        + iterations
        + ", converged="
        + converged
        + "]";
  }
}
