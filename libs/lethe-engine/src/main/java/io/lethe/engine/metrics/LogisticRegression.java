package io.lethe.engine.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binary logistic regression that converges to the same optimum as scikit-learn's default {@code
 * LogisticRegression()}: it minimises {@code 0.5*||w||^2 + C * sum_i logloss(y_i, b + w.x_i)} with
 * the intercept {@code b} left unpenalised. It is the attack model of the membership-inference
 * attack, where {@code x} is one per-sample loss, so the problem has only {@code d+1} parameters
 * and is solved exactly by damped Newton's method (IRLS) with a backtracking line search.
 *
 * <p>Why not a library: Smile is GPL-3.0, which we cannot ship in an Apache-2.0 distribution, and
 * Tribuo's logistic regression is trained by SGD, which stops near but not at the optimum, so its
 * attack accuracy would not be comparable with the published (scikit-learn) numbers. The objective
 * is strictly convex, so any exact solver reaches the same unique optimum as sklearn's lbfgs.
 *
 * <p>Immutable and thread-safe; {@link #fit} returns a new {@link LogisticRegressionModel}.
 */
public final class LogisticRegression {
  private static final Logger LOG = LoggerFactory.getLogger(LogisticRegression.class);

  /** sklearn's default inverse regularisation strength. */
  public static final double DEFAULT_C = 1.0;

  /** Default relative step size at which Newton's method stops. */
  public static final double DEFAULT_TOLERANCE = 1e-10;

  /** Default Newton iteration cap; 1-D problems converge in well under 30. */
  public static final int DEFAULT_MAX_ITERATIONS = 100;

  private static final int MAX_HALVINGS = 60;

  private final double c;
  private final double tolerance;
  private final int maxIterations;

  private LogisticRegression(Builder b) {
    this.c = b.c;
    this.tolerance = b.tolerance;
    this.maxIterations = b.maxIterations;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** sklearn's {@code LogisticRegression()}: L2, C = 1. */
  public static LogisticRegression withDefaults() {
    return builder().build();
  }

  /** The inverse regularisation strength C. */
  public double regularization() {
    return c;
  }

  public double tolerance() {
    return tolerance;
  }

  public int maxIterations() {
    return maxIterations;
  }

  /**
   * Fits the model.
   *
   * @param x one row of {@code d >= 1} finite features per sample
   * @param y one label per sample, each 0 or 1; both classes must occur
   * @throws IllegalArgumentException for empty, ragged, non-finite or single-class input
   */
  public LogisticRegressionModel fit(double[][] x, int[] y) {
    int d = validate(x, y);
    int n = x.length;
    int p = d + 1; // theta[0] is the intercept, theta[1..d] the weights
    double[] theta = new double[p];
    int positives = 0;
    for (int label : y) {
      positives += label;
    }
    // Start at the prior log-odds: the optimum is unique, this only saves iterations.
    theta[0] = Math.log((double) positives / (n - positives));

    double objective = objective(theta, x, y);
    double[] gradient = new double[p];
    double[][] hessian = new double[p][p];
    double[] trial = new double[p];
    boolean converged = false;
    int iteration = 0;
    while (iteration < maxIterations && !converged) {
      iteration++;
      gradientAndHessian(theta, x, y, gradient, hessian);
      double[] step = solveSymmetricPositiveDefinite(hessian, gradient);
      double slope = 0; // directional derivative along -step, negative for a descent direction
      for (int j = 0; j < p; j++) {
        slope -= gradient[j] * step[j];
      }
      // Near the optimum the predicted decrease falls below the round-off of the summed objective
      // (about n * ulp), and a strict Armijo test would reject the exact Newton steps that finish
      // the job; allow that much noise so the last, quadratically convergent steps are taken.
      double roundOff = 1e-13 * (1 + Math.abs(objective)) * Math.sqrt(n);
      double t = 1;
      double trialObjective = Double.NaN;
      boolean decreased = false;
      for (int h = 0; h < MAX_HALVINGS; h++) {
        for (int j = 0; j < p; j++) {
          trial[j] = theta[j] - t * step[j];
        }
        trialObjective = objective(trial, x, y);
        if (trialObjective <= objective + 1e-4 * t * slope + roundOff) {
          decreased = true;
          break;
        }
        t /= 2;
      }
      double maxChange = 0;
      double maxTheta = 0;
      for (int j = 0; j < p; j++) {
        maxChange = Math.max(maxChange, Math.abs(t * step[j]));
        maxTheta = Math.max(maxTheta, Math.abs(theta[j]));
      }
      if (!decreased) {
        // Round-off floor: the objective cannot be lowered any further in floating point.
        converged = maxChange <= Math.sqrt(tolerance) * (1 + maxTheta) || -slope <= 1e-12;
        break;
      }
      System.arraycopy(trial, 0, theta, 0, p);
      objective = trialObjective;
      converged = maxChange <= tolerance * (1 + maxTheta);
    }
    if (!converged) {
      LOG.warn(
          "logistic regression did not converge in {} Newton iterations (C={}, n={})",
          iteration,
          c,
          n);
    }
    double[] weights = new double[d];
    System.arraycopy(theta, 1, weights, 0, d);
    return new LogisticRegressionModel(weights, theta[0], iteration, converged);
  }

  private double objective(double[] theta, double[][] x, int[] y) {
    double penalty = 0;
    for (int j = 1; j < theta.length; j++) {
      penalty += theta[j] * theta[j];
    }
    double loss = 0;
    for (int i = 0; i < x.length; i++) {
      double z = linear(theta, x[i]);
      // log(1 + e^z) - y*z, computed without overflow
      loss += softplus(z) - y[i] * z;
    }
    return 0.5 * penalty + c * loss;
  }

  private void gradientAndHessian(
      double[] theta, double[][] x, int[] y, double[] gradient, double[][] hessian) {
    int p = theta.length;
    for (int j = 0; j < p; j++) {
      gradient[j] = j == 0 ? 0 : theta[j];
      for (int k = 0; k < p; k++) {
        hessian[j][k] = (j == k && j > 0) ? 1 : 0;
      }
    }
    for (int i = 0; i < x.length; i++) {
      double z = linear(theta, x[i]);
      double prob = LogisticRegressionModel.sigmoid(z);
      double residual = c * (prob - y[i]);
      double weight = c * prob * (1 - prob);
      for (int j = 0; j < p; j++) {
        double xj = j == 0 ? 1 : x[i][j - 1];
        gradient[j] += residual * xj;
        for (int k = 0; k <= j; k++) {
          double xk = k == 0 ? 1 : x[i][k - 1];
          hessian[j][k] += weight * xj * xk;
        }
      }
    }
    for (int j = 0; j < p; j++) {
      for (int k = j + 1; k < p; k++) {
        hessian[j][k] = hessian[k][j];
      }
    }
  }

  private static double linear(double[] theta, double[] row) {
    double z = theta[0];
    for (int j = 0; j < row.length; j++) {
      z += theta[j + 1] * row[j];
    }
    return z;
  }

  /** log(1 + e^z) without overflow for large |z|. */
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  /**
   * Solves {@code H s = g} by Cholesky. H is positive definite in theory (identity on the weights,
   * a positive curvature on the intercept); if saturated probabilities make it numerically
   * singular, a tiny ridge is added so that Newton degrades gracefully to a damped step.
   */
  private static double[] solveSymmetricPositiveDefinite(double[][] h, double[] g) {
    int p = g.length;
    double scale = 0;
    for (int j = 0; j < p; j++) {
      scale = Math.max(scale, Math.abs(h[j][j]));
    }
    double ridge = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
      double[][] l = cholesky(h, ridge);
      if (l != null) {
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
          double s = g[i];
          for (int k = 0; k < i; k++) {
            s -= l[i][k] * z[k];
          }
          z[i] = s / l[i][i];
        }
        double[] s = new double[p];
        for (int i = p - 1; i >= 0; i--) {
          double v = z[i];
          for (int k = i + 1; k < p; k++) {
            v -= l[k][i] * s[k];
          }
          s[i] = v / l[i][i];
        }
        return s;
      }
      ridge = ridge == 0 ? Math.max(scale, 1) * 1e-12 : ridge * 100;
    }
    throw new IllegalStateException("Newton system is not positive definite: input is degenerate");
  }

  private static double[][] cholesky(double[][] a, double ridge) {
    int p = a.length;
    double[][] l = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j] + (i == j ? ridge : 0);
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  private static int validate(double[][] x, int[] y) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("x and y must not be null");
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("cannot fit logistic regression on zero samples");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "x has " + x.length + " rows but y has " + y.length + " labels");
    }
    if (x[0] == null || x[0].length == 0) {
      throw new IllegalArgumentException("x must have at least one feature per row");
    }
    int d = x[0].length;
    int positives = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null || x[i].length != d) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " of x has "
                + (x[i] == null ? 0 : x[i].length)
                + " features, expected "
                + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(x[i][j])) {
          throw new IllegalArgumentException(
              "x[" + i + "][" + j + "] is " + x[i][j] + ": features must be finite");
        }
      }
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("y[" + i + "] is " + y[i] + ", expected 0 or 1");
      }
      positives += y[i];
    }
    if (positives == 0 || positives == y.length) {
      throw new IllegalArgumentException(
          "y contains only class "
              + (positives == 0 ? 0 : 1)
              + ": logistic regression needs samples of both classes 0 and 1");
    }
    return d;
  }

  /** Options of a {@link LogisticRegression}. */
  public static final class Builder {
    private double c = DEFAULT_C;
    private double tolerance = DEFAULT_TOLERANCE;
    private int maxIterations = DEFAULT_MAX_ITERATIONS;

    private Builder() {}

    /** Inverse regularisation strength C (sklearn's {@code C}); larger means weaker L2. */
    public Builder optRegularization(double c) {
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("C must be positive and finite, got " + c);
      }
      this.c = c;
      return this;
    }

    /** Stop when no parameter moves by more than {@code tolerance * (1 + max|theta|)}. */
    public Builder optTolerance(double tolerance) {
      if (!(tolerance > 0) || tolerance >= 1) {
        throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    public Builder optMaxIterations(int maxIterations) {
      if (maxIterations < 1) {
        throw new IllegalArgumentException(
            "maxIterations must be at least 1, got " + maxIterations);
      }
      this.maxIterations = maxIterations;
      return this;
    }

    public LogisticRegression build() {
      return new LogisticRegression(this);
    }
  }
}
