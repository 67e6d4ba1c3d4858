package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DynamicForgettingSwitchTest {
  @Test
  void withoutAMarginItIsThePapersSingleThreshold() {
    DynamicForgettingSwitch s = new DynamicForgettingSwitch(0.04, 0, 0.08);

    assertThat(s.perturbing()).isTrue();
    assertThat(s.update(0.039)).isFalse();
    assertThat(s.update(0.040)).as("at the threshold perturbs again").isTrue();
    assertThat(s.update(0.030)).isFalse();
  }

  @Test
  void aReadingBetweenThresholdAndResumeThresholdKeepsTheCurrentState() {
    DynamicForgettingSwitch s = new DynamicForgettingSwitch(0.04, 0.02, 0.08);

    assertThat(s.update(0.05)).as("still above the threshold: keeps perturbing").isTrue();
    assertThat(s.update(0.03)).isFalse();
    assertThat(s.update(0.05)).as("below the resume threshold: stays clean").isFalse();
    assertThat(s.update(0.059)).isFalse();
    assertThat(s.update(0.06)).as("at the resume threshold: perturbs again").isTrue();
    assertThat(s.update(0.045)).isTrue();
  }

  @Test
  void aScoreHoveringAtTheThresholdFlipsWithoutAMarginAndNotWithOne() {
    double[] readings = {0.035, 0.043, 0.038, 0.046, 0.037, 0.041, 0.036};
    DynamicForgettingSwitch single = new DynamicForgettingSwitch(0.04, 0, 0.08);
    DynamicForgettingSwitch hysteresis = new DynamicForgettingSwitch(0.04, 0.016, 0.08);
    int singleOn = 0;
    int hysteresisOn = 0;
    for (double r : readings) {
      singleOn += single.update(r) ? 1 : 0;
      hysteresisOn += hysteresis.update(r) ? 1 : 0;
    }

    assertThat(singleOn).isEqualTo(3);
    assertThat(hysteresisOn).isZero();
  }

  @Test
  void anOriginalBelowTheThresholdStartsClean() {
    assertThat(new DynamicForgettingSwitch(0.15, 0, 0.12).perturbing()).isFalse();
  }

  @Test
  void aNegativeMarginIsRejected() {
    assertThatThrownBy(() -> new DynamicForgettingSwitch(0.04, -0.01, 0.08))
        .hasMessageContaining("resume margin");
  }
}
