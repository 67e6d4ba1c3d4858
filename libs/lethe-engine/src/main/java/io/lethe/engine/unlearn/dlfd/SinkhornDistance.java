package io.lethe.engine.unlearn.dlfd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.lethe.engine.tensor.Scalars;

/**
 * Entropic optimal-transport distance between two point clouds, differentiable end to end.
 *
 * <p>The cost between points is {@code C = max(0, 1 - cosine(a_i, b_j))}, both marginals are
 * uniform, and the plan {@code T} comes from log-domain Sinkhorn iterations (stable for small
 * {@code epsilon}, where plain Sinkhorn under- and overflows). The distance is {@code sum(T * C)}.
 * Gradients flow through every iteration (unrolled), so the distance can be differentiated with
 * respect to either point cloud: DLFD pushes retain features away from forget features with it.
 *
 * <p>Convergence is checked only every {@link Builder#optCheckEvery(int)} iterations, because each
 * check reads a value back to the host, which stalls the native pipeline.
 *
 * <p>All arrays this creates belong to the manager of the first argument: compute inside a
 * short-lived sub-manager.
 */
public final class SinkhornDistance {
  private final double epsilon;
  private final int maxIterations;
  private final double tolerance;
  private final int checkEvery;

  private SinkhornDistance(Builder b) {
    this.epsilon = b.epsilon;
    this.maxIterations = b.maxIterations;
    this.tolerance = b.tolerance;
    this.checkEvery = b.checkEvery;
  }

  public static Builder builder() {
    return new Builder();
  }

  public double epsilon() {
    return epsilon;
  }

  public int maxIterations() {
    return maxIterations;
  }

  /** The transport plan and its cost. */
  public record Result(NDArray distance, NDArray plan, NDArray cost, int iterations) {}

  /**
   * @param a (n, d) features, e.g. of perturbed retain images
   * @param b (m, d) features, e.g. of forget images
   */
  public Result compute(NDArray a, NDArray b) {
    if (a.getShape().dimension() != 2 || b.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          "expected two (points, features) matrices, got " + a.getShape() + " and " + b.getShape());
    }
    if (a.getShape().get(1) != b.getShape().get(1)) {
      throw new IllegalArgumentException(
          "feature sizes differ: " + a.getShape() + " vs " + b.getShape());
    }
    NDArray cost = cosineCost(a, b);
    long n = a.getShape().get(0);
    long m = b.getShape().get(0);
    NDArray invEps = Scalars.like(cost, 1.0 / epsilon);
    NDArray eps = Scalars.like(cost, epsilon);
    NDArray logMu = Scalars.like(cost, -Math.log(n));
    NDArray logNu = Scalars.like(cost, -Math.log(m));

    // Potentials f (n,1) and g (1,m); T = exp((f + g - C) / eps).
    NDArray f = a.getManager().zeros(new Shape(n, 1), cost.getDataType());
    NDArray g = a.getManager().zeros(new Shape(1, m), cost.getDataType());
    int iterations = 0;
    for (int it = 1; it <= maxIterations; it++) {
      iterations = it;
      // f_i = eps * (log mu_i - logsumexp_j (g_j - C_ij) / eps)
      f = eps.mul(logMu.sub(logSumExp(g.sub(cost).mul(invEps), 1)));
      // g_j = eps * (log nu_j - logsumexp_i (f_i - C_ij) / eps)
      g = eps.mul(logNu.sub(logSumExp(f.sub(cost).mul(invEps), 0)));
      if (it % checkEvery == 0
          && it < maxIterations
          && rowMarginalError(f, g, cost, invEps, n) < tolerance) {
        break;
      }
    }
    NDArray plan = f.add(g).sub(cost).mul(invEps).exp();
    NDArray distance = plan.mul(cost).sum();
    return new Result(distance, plan, cost, iterations);
  }

  /** After a g-update the column marginals are exact; the rows tell how far from converged. */
  private static double rowMarginalError(
      NDArray f, NDArray g, NDArray cost, NDArray invEps, long n) {
    // Detached: this is a read-out, not part of the distance's graph.
    NDArray rows =
        f.stopGradient()
            .add(g.stopGradient())
            .sub(cost.stopGradient())
            .mul(invEps)
            .exp()
            .sum(new int[] {1});
    return rows.sub(1.0 / n).abs().sum().toType(DataType.FLOAT64, false).getDouble();
  }

  /** {@code max(0, 1 - cos(a_i, b_j))} as an (n, m) matrix. */
  public static NDArray cosineCost(NDArray a, NDArray b) {
    NDArray tiny = Scalars.like(a, 1e-12);
    NDArray an = a.div(a.square().sum(new int[] {1}, true).add(tiny).sqrt());
    NDArray bn = b.div(b.square().sum(new int[] {1}, true).add(tiny).sqrt());
    NDArray cosine = an.matMul(bn.transpose());
    return Activation.relu(Scalars.like(cosine, 1.0).sub(cosine));
  }

  /** Numerically stable log-sum-exp along {@code axis}, keeping the dimension. */
  static NDArray logSumExp(NDArray z, int axis) {
    // The shift's gradient cancels exactly, so it need not be tracked.
    NDArray shift = z.max(new int[] {axis}, true).stopGradient();
    return z.sub(shift).exp().sum(new int[] {axis}, true).log().add(shift);
  }

  /** Optional settings; the defaults are the DLFD authors' (epsilon 0.01, 50 iterations). */
  public static final class Builder {
    private double epsilon = 0.01;
    private int maxIterations = 50;
    private double tolerance = 1e-3;
    private int checkEvery = 10;

    private Builder() {}

    /** Entropic regularisation; smaller is closer to exact OT and needs more iterations. */
    public Builder optEpsilon(double epsilon) {
      if (!(epsilon > 0)) {
        throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
      }
      this.epsilon = epsilon;
      return this;
    }

    public Builder optMaxIterations(int maxIterations) {
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
      }
      this.maxIterations = maxIterations;
      return this;
    }

    /** Stop early once the L1 error of the plan's row marginals is below this. */
    public Builder optTolerance(double tolerance) {
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /** Check convergence every this many iterations (each check is a host round-trip). */
    public Builder optCheckEvery(int checkEvery) {
      if (checkEvery < 1) {
        throw new IllegalArgumentException("checkEvery must be >= 1, got " + checkEvery);
      }
      this.checkEvery = checkEvery;
      return this;
    }

    public SinkhornDistance build() {
      return new SinkhornDistance(this);
    }
  }
}
