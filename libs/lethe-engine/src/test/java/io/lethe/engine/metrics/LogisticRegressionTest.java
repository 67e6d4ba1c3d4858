package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
  private static final LogisticRegression LR = LogisticRegression.withDefaults();

  @Test
  void recoversKnownParametersOnSyntheticLogisticData() {
    // y ~ Bernoulli(sigmoid(-1 + 2x)), x ~ U(-2, 2); with 50000 samples the L2 pull (C = 1) and
    // sampling noise are both far below the 0.05 tolerance.
    SplittableRandom rng = new SplittableRandom(7);
    int n = 50_000;
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double v = rng.nextDouble(-2, 2);
      x[i] = new double[] {v};
      y[i] = rng.nextDouble() < LogisticRegressionModel.sigmoid(-1 + 2 * v) ? 1 : 0;
    }

    LogisticRegressionModel model = LR.fit(x, y);

    assertThat(model.converged()).isTrue();
    assertThat(model.weights()[0]).isCloseTo(2.0, within(0.05));
    assertThat(model.intercept()).isCloseTo(-1.0, within(0.05));
  }

  @Test
  void recoversTwoFeatureParameters() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 50_000;
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double a = rng.nextDouble(-2, 2);
      double b = rng.nextDouble(-2, 2);
      x[i] = new double[] {a, b};
      y[i] = rng.nextDouble() < LogisticRegressionModel.sigmoid(0.5 - a + 1.5 * b) ? 1 : 0;
    }

    LogisticRegressionModel model = LR.fit(x, y);

    assertThat(model.weights()).containsExactly(new double[] {-1.0, 1.5}, within(0.05));
    assertThat(model.intercept()).isCloseTo(0.5, within(0.05));
  }

  @Test
  void strongerRegularisationShrinksTheWeight() {
    double[][] x = {{0}, {1}, {2}, {3}, {4}, {5}};
    int[] y = {0, 0, 1, 0, 1, 1};

    double loose =
        LogisticRegression.builder().optRegularization(100).build().fit(x, y).weights()[0];
    double tight =
        LogisticRegression.builder().optRegularization(0.01).build().fit(x, y).weights()[0];

    assertThat(tight).isPositive().isLessThan(loose);
  }

  @Test
  void separableDataGivesAFiniteL2BoundedFitThatClassifiesEverySample() {
    double[][] x = {{0.1}, {0.2}, {0.3}, {5.1}, {5.2}, {5.3}};
    int[] y = {1, 1, 1, 0, 0, 0};

    LogisticRegressionModel model = LR.fit(x, y);

    assertThat(model.converged()).isTrue();
    assertThat(Double.isFinite(model.weights()[0])).isTrue();
    for (int i = 0; i < x.length; i++) {
      assertThat(model.predict(x[i])).isEqualTo(y[i]);
    }
  }

  @Test
  void convergesOnHugeUnscaledFeatures() {
    double[][] x = {{1e6}, {1.1e6}, {1.2e6}, {1.3e6}, {1.05e6}, {1.25e6}};
    int[] y = {0, 0, 1, 1, 1, 0};

    LogisticRegressionModel model = LR.fit(x, y);

    assertThat(Double.isFinite(model.intercept())).isTrue();
    assertThat(model.predictProbability(new double[] {1.15e6})).isBetween(0.0, 1.0);
  }

  @Test
  void predictionIsClassOneExactlyWhenTheDecisionFunctionIsPositive() {
    double[][] x = {{0}, {1}, {2}, {3}};
    int[] y = {0, 0, 1, 1};
    LogisticRegressionModel model = LR.fit(x, y);

    // symmetric data: the boundary sits at 1.5
    assertThat(model.predict(new double[] {1.4})).isZero();
    assertThat(model.predict(new double[] {1.6})).isOne();
    assertThat(model.predictProbability(new double[] {1.5})).isCloseTo(0.5, within(1e-9));
    assertThat(model.predictProbability(new double[] {3}))
        .isCloseTo(
            1 / (1 + Math.exp(-(model.intercept() + 3 * model.weights()[0]))), within(1e-15));
  }

  @Test
  void sigmoidAndSoftplusDoNotOverflow() {
    assertThat(LogisticRegressionModel.sigmoid(-1000)).isZero();
    assertThat(LogisticRegressionModel.sigmoid(1000)).isOne();
    assertThat(LogisticRegression.softplus(1000)).isEqualTo(1000.0);
    assertThat(LogisticRegression.softplus(-1000)).isZero();
    assertThat(LogisticRegression.softplus(0)).isCloseTo(Math.log(2), within(1e-15));
  }

  @Test
  void rejectsEmptyInput() {
    assertThatThrownBy(() -> LR.fit(new double[0][], new int[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero samples");
  }

  @Test
  void rejectsASingleClass() {
    assertThatThrownBy(() -> LR.fit(new double[][] {{1}, {2}}, new int[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only class 1")
        .hasMessageContaining("both classes");
  }

  @Test
  void rejectsNanFeaturesNamingThePosition() {
    assertThatThrownBy(() -> LR.fit(new double[][] {{1}, {Double.NaN}}, new int[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x[1][0] is NaN");
  }

  @Test
  void rejectsMismatchedLengths() {
    assertThatThrownBy(() -> LR.fit(new double[][] {{1}, {2}}, new int[] {0, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 rows but y has 3 labels");
  }

  @Test
  void rejectsRaggedRowsAndNonBinaryLabels() {
    assertThatThrownBy(() -> LR.fit(new double[][] {{1}, {2, 3}}, new int[] {0, 1}))
        .hasMessageContaining("row 1 of x has 2 features, expected 1");
    assertThatThrownBy(() -> LR.fit(new double[][] {{1}, {2}}, new int[] {0, 2}))
        .hasMessageContaining("y[1] is 2, expected 0 or 1");
  }

  @Test
  void rejectsBadOptionsAndWrongPredictionWidth() {
    assertThatThrownBy(() -> LogisticRegression.builder().optRegularization(0))
        .hasMessageContaining("C must be positive");
    assertThatThrownBy(() -> LogisticRegression.builder().optMaxIterations(0))
        .hasMessageContaining("maxIterations");
    LogisticRegressionModel model = LR.fit(new double[][] {{0}, {1}}, new int[] {0, 1});
    assertThatThrownBy(() -> model.predict(new double[] {1, 2}))
        .hasMessageContaining("expected 1 features, got 2");
  }
}
