package io.lethe.engine.metrics;

import static io.lethe.engine.metrics.AttackFeature.CONFIDENCE;
import static io.lethe.engine.metrics.AttackFeature.ENTROPY;
import static io.lethe.engine.metrics.AttackFeature.MODIFIED_ENTROPY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The feature formulas on small cases computed by hand, including logits where naive math fails.
 */
class AttackFeatureTest {
  private static final double LN2 = Math.log(2);
  private static final double LN3 = Math.log(3);
  private static final double LN4 = Math.log(4);

  @Test
  void uniformSoftmaxOverFourClasses() {
    double[] z = {0, 0, 0, 0};

    assertThat(CONFIDENCE.of(z, 0)).isCloseTo(0.25, within(1e-15));
    assertThat(ENTROPY.of(z, 0)).isCloseTo(LN4, within(1e-15));
    // -(1 - 1/4) log(1/4) - 3 * (1/4) log(3/4)
    assertThat(MODIFIED_ENTROPY.of(z, 0))
        .isCloseTo(0.75 * LN4 - 0.75 * Math.log(0.75), within(1e-15));
  }

  @Test
  void twoClassesWithProbabilitiesOneQuarterAndThreeQuarters() {
    double[] z = {0, LN3}; // softmax (1/4, 3/4)

    assertThat(CONFIDENCE.of(z, 0)).isCloseTo(0.75, within(1e-15));
    assertThat(ENTROPY.of(z, 0))
        .isCloseTo(-0.25 * Math.log(0.25) - 0.75 * Math.log(0.75), within(1e-15));
    // y = 1: -(1/4) log(3/4) - (1/4) log(3/4)
    assertThat(MODIFIED_ENTROPY.of(z, 1)).isCloseTo(-0.5 * Math.log(0.75), within(1e-15));
    // y = 0: -(3/4) log(1/4) - (3/4) log(1/4)
    assertThat(MODIFIED_ENTROPY.of(z, 0)).isCloseTo(1.5 * LN4, within(1e-14));
  }

  @Test
  void onlyModifiedEntropyDependsOnTheLabel() {
    double[] z = {1.5, -0.3, 0.2};
    for (AttackFeature f : new AttackFeature[] {CONFIDENCE, ENTROPY}) {
      assertThat(f.of(z, 0)).as(f.key()).isEqualTo(f.of(z, 1)).isEqualTo(f.of(z, 2));
    }
    // Right with high confidence: low; wrong with high confidence: high.
    assertThat(MODIFIED_ENTROPY.of(z, 0)).isLessThan(MODIFIED_ENTROPY.of(z, 1));
    assertThat(MODIFIED_ENTROPY.of(z, 1)).isNotEqualTo(MODIFIED_ENTROPY.of(z, 2));
  }

  @Test
  void featuresAreInvariantToShiftingAllLogits() {
    double[] z = {2, -1, 0.5};
    double[] shifted = {1002, 999, 1000.5};
    for (AttackFeature f : AttackFeature.values()) {
      assertThat(f.of(shifted, 1)).as(f.key()).isCloseTo(f.of(z, 1), within(1e-12));
    }
  }

  @Test
  void confidentlyWrongExtremeLogitsStayFiniteAndExact() {
    // softmax(0, 1000, 0): F_1 = 1 - 2e-1000 rounds to 1 and F_0 = F_2 = e^-1000 underflow to 0.
    double[] z = {0, 1000, 0};

    assertThat(CONFIDENCE.of(z, 0)).isEqualTo(1.0);
    assertThat(ENTROPY.of(z, 0)).isCloseTo(0.0, within(1e-300));
    // -(1 - F_0) log F_0 = 1000; -F_1 log(1 - F_1) = -log(2 e^-1000) = 1000 - ln 2; F_2 term ~ 0.
    assertThat(MODIFIED_ENTROPY.of(z, 0)).isCloseTo(2000 - LN2, within(1e-9));
    // Right and certain: every term vanishes.
    assertThat(MODIFIED_ENTROPY.of(z, 1)).isCloseTo(0.0, within(1e-300));
  }

  @Test
  void complementOfAProbabilityNearOneIsAccurate() {
    // softmax(0, 40): F_1 = 1 - 4.25e-18 is 1.0 in double, so a naive log(1 - F_1) is -infinity.
    // y = 0: -(1 - F_0) log F_0 - F_1 log(1 - F_1) = 2 * (40 + log1p(e^-40)) up to 1e-16.
    double[] z = {0, 40};
    assertThat(MODIFIED_ENTROPY.of(z, 0))
        .isCloseTo(2 * (40 + Math.log1p(Math.exp(-40))), within(1e-12));
    // Binary entropy in closed form: log(1 + e^z) - z sigmoid(z).
    double s = 1 / (1 + Math.exp(-40.0));
    assertThat(ENTROPY.of(z, 0)).isCloseTo(40 + Math.log1p(Math.exp(-40)) - 40 * s, within(1e-15));
    assertThat(ENTROPY.of(z, 0)).isPositive();
  }

  @Test
  void multiLabelIsTheMeanOverAttributesOfTwoClassSoftmaxes() {
    // Attribute 0: logit 0 -> (1/2, 1/2), true. Attribute 1: logit ln 3 -> (1/4, 3/4), false.
    double[] z = {0, LN3};
    double[] t = {1, 0};

    assertThat(CONFIDENCE.ofAttributes(z, t)).isCloseTo((0.5 + 0.75) / 2, within(1e-15));
    double h1 = -0.25 * Math.log(0.25) - 0.75 * Math.log(0.75);
    assertThat(ENTROPY.ofAttributes(z, t)).isCloseTo((LN2 + h1) / 2, within(1e-15));
    // ln 2 (attribute 0) and 1.5 ln 4 (attribute 1, true class 0): mean 2 ln 2.
    assertThat(MODIFIED_ENTROPY.ofAttributes(z, t)).isCloseTo(2 * LN2, within(1e-14));
    assertThat(MODIFIED_ENTROPY.ofAttributes(z, new double[] {1, 1}))
        .isLessThan(MODIFIED_ENTROPY.ofAttributes(z, t));
  }

  @Test
  void nonFiniteLogitsGiveNanForTheAttackToRejectAndBadLabelsAreRefused() {
    assertThat(ENTROPY.of(new double[] {0, Double.NaN}, 0)).isNaN();
    assertThat(CONFIDENCE.of(new double[] {Double.POSITIVE_INFINITY, 0}, 0)).isNaN();
    assertThatThrownBy(() -> CONFIDENCE.of(new double[] {0, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 2 is not a class of 2 logits");
    assertThatThrownBy(() -> ENTROPY.ofAttributes(new double[] {0, 1}, new double[] {1}))
        .hasMessageContaining("2 attribute logits but 1 targets");
  }

  @Test
  void keysRoundTrip() {
    for (AttackFeature f : AttackFeature.values()) {
      assertThat(AttackFeature.ofKey(f.key())).isSameAs(f);
    }
    assertThat(MODIFIED_ENTROPY.key()).isEqualTo("modified_entropy");
    assertThatThrownBy(() -> AttackFeature.ofKey("loss")).hasMessageContaining("'loss'");
  }
}
