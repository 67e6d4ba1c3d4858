package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.EvaluationReportMessage.Attack;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionEvaluationAttacksTest {
  @Test
  void everyAttackOfTheReportGoesIntoTheMessageInOrder() {
    MiaResult loss = new MiaResult(0.56, 0.02, List.of(0.55, 0.57), 100, 100);
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put("loss", loss);
    attacks.put("confidence", new MiaResult(0.41, 0.03, List.of(0.41), 100, 100));
    attacks.put("modified_entropy", new MiaResult(0.62, 0.01, List.of(0.62), 100, 100));

    List<Attack> out = VersionEvaluation.attacks(new EvaluationReport(0.9, 0.95, loss, attacks));

    assertThat(out)
        .extracting(Attack::name)
        .containsExactly("loss", "confidence", "modified_entropy");
    assertThat(out.get(1).accuracy()).isEqualTo(0.41);
    assertThat(out.get(1).std()).isEqualTo(0.03);
    assertThat(out.get(1).forgettingScore())
        .isCloseTo(0.09, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(out.get(2).forgettingScore())
        .isCloseTo(0.12, org.assertj.core.data.Offset.offset(1e-12));
  }
}
