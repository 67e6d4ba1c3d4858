package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SinkhornDistanceTest {

  private static double[][] randomPoints(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] p = new double[n][d];
    for (double[] row : p) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return p;
  }

  private static NDArray toArray(NDManager m, double[][] p) {
    return m.create(p);
  }

  /** Plain-Java cosine cost, independent of the NDArray implementation. */
  private static double[][] referenceCost(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a[i].length; k++) {
          dot += a[i][k] * b[j][k];
          na += a[i][k] * a[i][k];
          nb += b[j][k] * b[j][k];
        }
        c[i][j] = Math.max(0, 1 - dot / Math.sqrt(na * nb));
      }
    }
    return c;
  }

  /** Log-domain Sinkhorn in doubles with many iterations: the reference value. */
  private static double referenceDistance(double[][] c, double eps, int iterations) {
    int n = c.length;
    int m = c[0].length;
    double[] f = new double[n];
    double[] g = new double[m];
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < n; i++) {
        double[] z = new double[m];
        for (int j = 0; j < m; j++) {
          z[j] = (g[j] - c[i][j]) / eps;
        }
        f[i] = eps * (-Math.log(n) - lse(z));
      }
      for (int j = 0; j < m; j++) {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
          z[i] = (f[i] - c[i][j]) / eps;
        }
        g[j] = eps * (-Math.log(m) - lse(z));
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        total += Math.exp((f[i] + g[j] - c[i][j]) / eps) * c[i][j];
      }
    }
    return total;
  }

  private static double lse(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** Exact OT between equal-sized uniform clouds is an assignment problem: brute force it. */
  private static double exactAssignmentCost(double[][] c) {
    int n = c.length;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    double[] best = {Double.MAX_VALUE};
    permute(perm, 0, c, best);
    return best[0] / n;
  }

  private static void permute(int[] p, int k, double[][] c, double[] best) {
    if (k == p.length) {
      double s = 0;
      for (int i = 0; i < p.length; i++) {
        s += c[i][p[i]];
      }
      best[0] = Math.min(best[0], s);
      return;
    }
    for (int i = k; i < p.length; i++) {
      int t = p[k];
      p[k] = p[i];
      p[i] = t;
      permute(p, k + 1, c, best);
      p[i] = p[k];
      p[k] = t;
    }
  }

  @Test
  void planHasUniformMarginals() {
    SinkhornDistance sinkhorn =
        SinkhornDistance.builder().optEpsilon(0.05).optMaxIterations(500).optTolerance(0).build();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = toArray(m, randomPoints(7, 5, 1));
      NDArray b = toArray(m, randomPoints(5, 5, 2));
      SinkhornDistance.Result r = sinkhorn.compute(a, b);
      double[] rows = r.plan().sum(new int[] {1}).toDoubleArray();
      double[] cols = r.plan().sum(new int[] {0}).toDoubleArray();
      for (double v : rows) {
        assertThat(v).isCloseTo(1.0 / 7, within(1e-4));
      }
      for (double v : cols) {
        assertThat(v).isCloseTo(1.0 / 5, within(1e-4));
      }
    }
  }

  @Test
  void costMatchesHighIterationReferenceAtTheAuthorsEpsilon() {
    double[][] pa = randomPoints(6, 4, 3);
    double[][] pb = randomPoints(8, 4, 4);
    SinkhornDistance sinkhorn =
        SinkhornDistance.builder().optEpsilon(0.01).optMaxIterations(3000).optTolerance(0).build();
    try (NDManager m = NDManager.newBaseManager()) {
      SinkhornDistance.Result r = sinkhorn.compute(toArray(m, pa), toArray(m, pb));
      double[][] cost = referenceCost(pa, pb);
      // Same iterations: the same function, so equal to rounding.
      assertThat(r.distance().getDouble())
          .isCloseTo(referenceDistance(cost, 0.01, 3000), within(1e-9));
      // Far more iterations: converged to within the marginal tolerance.
      assertThat(r.distance().getDouble())
          .isCloseTo(referenceDistance(cost, 0.01, 30000), within(1e-4));
      assertThat(r.cost().toDoubleArray()[0]).isCloseTo(referenceCost(pa, pb)[0][0], within(1e-9));
    }
  }

  @Test
  void smallEpsilonApproachesTheExactAssignmentCost() {
    double[][] pa = randomPoints(5, 3, 5);
    double[][] pb = randomPoints(5, 3, 6);
    SinkhornDistance sinkhorn =
        SinkhornDistance.builder().optEpsilon(0.002).optMaxIterations(5000).optTolerance(0).build();
    try (NDManager m = NDManager.newBaseManager()) {
      double distance = sinkhorn.compute(toArray(m, pa), toArray(m, pb)).distance().getDouble();
      double exact = exactAssignmentCost(referenceCost(pa, pb));
      // Entropic OT overestimates exact OT by at most about eps * log(n).
      assertThat(distance).isGreaterThanOrEqualTo(exact - 1e-6);
      assertThat(distance).isCloseTo(exact, within(0.002 * Math.log(5) + 1e-4));
    }
  }

  @Test
  void identicalCloudsAreAtDistanceNearZeroAndOrthogonalOnesNearOne() {
    SinkhornDistance sinkhorn = SinkhornDistance.builder().optMaxIterations(200).build();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = toArray(m, randomPoints(6, 8, 7));
      assertThat(sinkhorn.compute(a, a).distance().getDouble()).isLessThan(0.05);
      NDArray e1 = m.create(new double[][] {{1, 0}, {2, 0}});
      NDArray e2 = m.create(new double[][] {{0, 1}, {0, 3}});
      assertThat(sinkhorn.compute(e1, e2).distance().getDouble()).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void gradientWithRespectToFeaturesMatchesFiniteDifferences() {
    double[][] pa = randomPoints(5, 4, 8);
    double[][] pb = randomPoints(6, 4, 9);
    // A fixed number of iterations makes the distance a smooth function to differentiate.
    SinkhornDistance sinkhorn =
        SinkhornDistance.builder().optEpsilon(0.05).optMaxIterations(60).optTolerance(0).build();
    double[][] analytic;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = toArray(m, pa);
      a.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray d = sinkhorn.compute(a, toArray(m, pb)).distance();
        gc.backward(d);
      }
      NDArray grad = a.getGradient();
      assertThat(grad.getDataType()).isEqualTo(DataType.FLOAT64);
      analytic = new double[5][4];
      double[] flat = grad.toDoubleArray();
      for (int i = 0; i < 5; i++) {
        System.arraycopy(flat, i * 4, analytic[i], 0, 4);
      }
    }
    double h = 1e-6;
    double maxAbs = 0;
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < 4; k++) {
        double numeric =
            (distanceAt(sinkhorn, pa, pb, i, k, h) - distanceAt(sinkhorn, pa, pb, i, k, -h))
                / (2 * h);
        assertThat(analytic[i][k]).as("d/da[%d][%d]", i, k).isCloseTo(numeric, within(1e-6));
        maxAbs = Math.max(maxAbs, Math.abs(numeric));
      }
    }
    assertThat(maxAbs).as("the gradient is not trivially zero").isGreaterThan(1e-3);
  }

  private static double distanceAt(
      SinkhornDistance s, double[][] pa, double[][] pb, int i, int k, double delta) {
    double[][] shifted = new double[pa.length][];
    for (int r = 0; r < pa.length; r++) {
      shifted[r] = pa[r].clone();
    }
    shifted[i][k] += delta;
    try (NDManager m = NDManager.newBaseManager()) {
      return s.compute(m.create(shifted), m.create(pb)).distance().getDouble();
    }
  }

  @Test
  void rejectsMismatchedFeatureSizes() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.zeros(new Shape(3, 4));
      NDArray b = m.zeros(new Shape(3, 5));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> SinkhornDistance.builder().build().compute(a, b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("feature sizes differ");
    }
  }
}
