package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.EvaluationReportMessage.Gate;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatesTest {
  private final Gates gates = new Gates(0.1, 0.02, 0.05, NoiseRule.DEFAULTS);

  private static EvaluationReport report(double testAccuracy, double mia) {
    return new EvaluationReport(
        testAccuracy, testAccuracy, new MiaResult(mia, 0.03, List.of(mia), 10, 10));
  }

  @Test
  void passesWhenForgettingIsCloseToChanceAndNomusHolds() {
    List<Gate> result = gates.apply(report(0.6, 0.55), report(0.6, 0.8));
    assertThat(result)
        .extracting(Gate::name)
        .containsExactly(
            Gates.MAX_FORGETTING_SCORE,
            Gates.MAX_NOMUS_DROP,
            Gates.FORGETTING_VS_PARENT,
            Gates.MAX_ACCURACY_DROP);
    assertThat(result).extracting(Gate::passed).containsExactly(true, true, true, true);
    assertThat(result.get(0).detail()).contains("0.0500 <= 0.1000");
    assertThat(Gates.allPassed(result)).isTrue();
  }

  @Test
  void failsAForgettingScoreAboveTheLimit() {
    List<Gate> result = gates.apply(report(0.6, 0.75), null);
    assertThat(result.get(0).passed()).isFalse();
    assertThat(result.get(0).detail()).contains("0.2500 > 0.1000");
    assertThat(result.get(1).passed()).isTrue();
    assertThat(result.get(1).detail()).contains("no parent");
    assertThat(Gates.allPassed(result)).isFalse();
  }

  @Test
  void failsANomusDropAboveTheLimit() {
    // NoMUS = 0.5 * acc + 0.5 * (1 - 2 |mia - 0.5|) (check via the engine, not by hand)
    EvaluationReport parent = report(0.8, 0.5);
    EvaluationReport child = report(0.6, 0.5);
    assertThat(parent.nomus() - child.nomus()).isGreaterThan(0.02);
    List<Gate> result = gates.apply(child, parent);
    assertThat(result.get(1).passed()).isFalse();
    assertThat(result.get(1).detail()).contains("vs parent");
  }

  @Test
  void theParentsParametersReRegisteredFailTheRelativeGate() {
    List<Gate> result = gates.apply(report(0.6, 0.8), report(0.6, 0.8), true);
    assertThat(result.get(0).passed()).isFalse();
    assertThat(result.get(2).passed()).isFalse();
    assertThat(result.get(2).detail()).startsWith("changed nothing");
    assertThat(Gates.allPassed(result)).isFalse();
  }

  @Test
  void aNomusGainPasses() {
    List<Gate> result = gates.apply(report(0.7, 0.5), report(0.6, 0.5));
    assertThat(result.get(1).passed()).isTrue();
  }

  @Test
  void aLargeForgettingGainCannotHideALargeLossOfAccuracy() {
    // accuracy 0.80 -> 0.68 while the forgetting score falls 0.30 -> 0.0: NoMUS rises by 0.24,
    // the accuracy gate still fails
    EvaluationReport parent = report(0.80, 0.80);
    EvaluationReport child = report(0.68, 0.50);
    List<Gate> result = gates.apply(child, parent);
    assertThat(child.nomus()).isGreaterThan(parent.nomus());
    assertThat(result.get(1).passed()).isTrue();
    assertThat(result.get(3).name()).isEqualTo(Gates.MAX_ACCURACY_DROP);
    assertThat(result.get(3).passed()).isFalse();
    assertThat(result.get(3).detail())
        .isEqualTo("test accuracy 0.6800 vs parent 0.8000: drop 0.1200 > 0.0500");
    assertThat(Gates.allPassed(result)).isFalse();
  }
}
