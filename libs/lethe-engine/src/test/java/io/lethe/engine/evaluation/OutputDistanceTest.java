package io.lethe.engine.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OutputDistanceTest {
  private static ModelOutputs outputs(float[]... rows) {
    int[] indices = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      indices[i] = 10 + i;
    }
    return new ModelOutputs(indices, rows, false);
  }

  @Test
  void identicalOutputsAgreeEverywhereWithZeroDivergence() {
    ModelOutputs a = outputs(new float[] {0.7f, 0.2f, 0.1f}, new float[] {0.1f, 0.1f, 0.8f});
    OutputDistance d = OutputDistance.between(a, a);
    assertThat(d.agreement()).isEqualTo(1.0);
    assertThat(d.jsDivergence()).isCloseTo(0.0, within(1e-12));
    assertThat(d.samples()).isEqualTo(2);
  }

  @Test
  void disjointOneHotOutputsReachLnTwo() {
    ModelOutputs a = outputs(new float[] {1, 0}, new float[] {0, 1});
    ModelOutputs b = outputs(new float[] {0, 1}, new float[] {0, 1});
    OutputDistance d = OutputDistance.between(a, b);
    // one of two samples agrees; its divergence is 0, the other's ln 2
    assertThat(d.agreement()).isEqualTo(0.5);
    assertThat(d.jsDivergence()).isCloseTo(Math.log(2) / 2, within(1e-9));
  }

  @Test
  void jensenShannonMatchesAHandComputedValue() {
    // p = (0.5, 0.5), q = (0.9, 0.1), m = (0.7, 0.3)
    double expected =
        0.5 * (0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3))
            + 0.5 * (0.9 * Math.log(0.9 / 0.7) + 0.1 * Math.log(0.1 / 0.3));
    assertThat(OutputDistance.jensenShannon(new double[] {0.5, 0.5}, new double[] {0.9, 0.1}))
        .isCloseTo(expected, within(1e-12));
  }

  @Test
  void multiLabelOutputsAreComparedAttributeByAttribute() {
    ModelOutputs a = new ModelOutputs(new int[] {0}, new float[][] {{0.9f, 0.2f}}, true);
    ModelOutputs b = new ModelOutputs(new int[] {0}, new float[][] {{0.8f, 0.7f}}, true);
    assertThat(OutputDistance.between(a, b).agreement()).isEqualTo(0.5);
  }

  @Test
  void outputsOfOtherSamplesAreRejected() {
    ModelOutputs a = outputs(new float[] {1, 0});
    ModelOutputs b = new ModelOutputs(new int[] {99}, new float[][] {{1, 0}}, false);
    assertThatThrownBy(() -> OutputDistance.between(a, b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same samples");
  }
}
