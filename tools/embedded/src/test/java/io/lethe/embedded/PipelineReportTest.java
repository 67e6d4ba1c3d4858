package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineReportTest {
  private static final String MESSAGE =
      """
      {"requestId": "fr-1", "correlationId": "c-1", "modelId": "m", "version": 4,
       "testAccuracy": 0.612, "testTop2Accuracy": 0.801,
       "mia": {"accuracy": 0.538, "std": 0.012, "perSplitAccuracy": [0.531, 0.549, 0.534]},
       "attacks": [
         {"name": "loss", "accuracy": 0.538, "std": 0.012, "forgettingScore": 0.038},
         {"name": "confidence", "accuracy": 0.531, "std": 0.015, "forgettingScore": 0.031},
         {"name": "modified_entropy", "accuracy": 0.571, "std": 0.013, "forgettingScore": 0.071}],
       "forgettingScore": 0.038, "nomus": 0.768,
       "gates": [{"name": "maxForgettingScore", "passed": true}],
       "passed": true, "evaluatedAt": "2025-01-31T12:03:00Z"}
      """;

  @Test
  void theNewVersionsRowShowsEveryAttackTheEvaluatorRan() {
    EvaluationReportMessage m =
        new MessageCodec()
            .decode(MESSAGE.getBytes(StandardCharsets.UTF_8), EvaluationReportMessage.class);
    MiaResult parentSplit = new MiaResult(0.55, 0.01, List.of(0.55), 40, 40);

    EvaluationReport r = PipelineReport.engineReport(m, parentSplit);

    assertThat(r.attacks()).containsOnlyKeys("loss", "confidence", "modified_entropy");
    assertThat(r.attacks().get("confidence").accuracy()).isEqualTo(0.531);
    assertThat(r.strongestAttack()).isEqualTo("modified_entropy");
    assertThat(r.mia().perSplitAccuracy()).containsExactly(0.531, 0.549, 0.534);
  }

  @Test
  void theNoiseLineStatesTheParentsSignalAndTheDropInUnitsOfNoise() {
    EvaluationReportMessage m =
        new MessageCodec()
            .decode(MESSAGE.getBytes(StandardCharsets.UTF_8), EvaluationReportMessage.class);
    MiaResult parentLoss = new MiaResult(0.60, 0.02, List.of(0.60), 40, 40);
    Map<String, MiaResult> parentAttacks = new LinkedHashMap<>();
    parentAttacks.put("loss", parentLoss);
    parentAttacks.put("modified_entropy", new MiaResult(0.71, 0.02, List.of(0.71), 40, 40, 0.03));
    EvaluationReport parent = new EvaluationReport(0.62, 0.80, parentLoss, parentAttacks);
    EvaluationReport reference =
        new EvaluationReport(
            0.60,
            0.80,
            parentLoss,
            Map.of(
                "loss",
                parentLoss,
                "modified_entropy",
                new MiaResult(0.52, 0.02, List.of(0.52), 40, 40)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PipelineReport.printNoise(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        parent,
        PipelineReport.engineReport(m, parentLoss),
        reference);

    // parent 0.21 ± 0.03 (seed spread) = 7.0×; new 0.071 ± 0.013; drop 0.139 / sqrt(0.03² + 0.013²)
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("strongest attack (modified_entropy)")
        .contains("parent 0.2100 ± 0.0300 = 7.0× its noise")
        .contains("new 0.0710 ± 0.0130; drop 0.1390 = 4.3× the noise of the difference (0.0327)")
        .contains("retrained reference 0.0200 ± 0.0200");
  }

  @Test
  void theGuardLineSaysWhatTheGuardDecided() {
    assertThat(
            PipelineReport.guardLine(
                new io.lethe.api.UnlearningResult.Guard(
                    5, 1, false, "braked once, then within the margin", 0.05, 256, 1.0, 0.9805)))
        .isEqualTo(
            "Utility guard: 5 check(s), 1 brake(s) on 256 retain samples held out; accuracy there"
                + " 0.9805 (parent 1.0000, margin 0.05): braked once, then within the margin");
  }
}
