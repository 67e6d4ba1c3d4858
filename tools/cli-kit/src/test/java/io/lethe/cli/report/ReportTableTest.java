package io.lethe.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTableTest {
  private static final MiaResult LOSS = new MiaResult(0.6, 0.02, List.of(0.6), 100, 100);

  @Test
  void reportsWithTheLossAttackAloneGiveThePapersTable() {
    String md =
        ReportTable.markdown(List.of(new ReportRow("Original", report(LOSS, Map.of()), 12)));

    assertThat(md.lines().toList())
        .containsExactly(
            "| Model | Test acc | Top-2 acc | MIA acc (± std) | Forgetting score | NoMUS | Seconds |",
            "|---|---:|---:|---:|---:|---:|---:|",
            "| Original | 0.8000 | 0.9000 | 0.6000 ± 0.0200 | 0.1000 | 0.8000 | 12.0 |");
  }

  @Test
  void everyOtherAttackGetsAColumnAndTheStrongestIsNamed() {
    Map<String, MiaResult> original = new LinkedHashMap<>();
    original.put("confidence", new MiaResult(0.55, 0.01, List.of(0.55), 100, 100));
    original.put("modified_entropy", new MiaResult(0.68, 0.03, List.of(0.68), 100, 100, 0.035));
    Map<String, MiaResult> dlfd =
        Map.of("confidence", new MiaResult(0.5, 0.04, List.of(0.5), 100, 100));

    String md =
        ReportTable.markdown(
            List.of(
                new ReportRow("Original", report(LOSS, original), 12),
                new ReportRow("DLFD", report(LOSS, dlfd), Double.NaN)));

    List<String> lines = md.lines().toList();
    assertThat(lines.get(0))
        .endsWith(
            "| Seconds | MIA acc: confidence | MIA acc: modified_entropy |"
                + " Strongest attack: forgetting score ± noise |");
    assertThat(lines.get(1)).isEqualTo("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    assertThat(lines.get(2))
        .endsWith(
            "| 12.0 | 0.5500 ± 0.0100 | 0.6800 ± 0.0300 | modified_entropy 0.1800 ± 0.0350 |");
    assertThat(lines.get(3)).endsWith("| – | 0.5000 ± 0.0400 | – | loss 0.1000 ± 0.0200 |");
  }

  private static EvaluationReport report(MiaResult loss, Map<String, MiaResult> others) {
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put("loss", loss);
    attacks.putAll(others);
    return new EvaluationReport(0.8, 0.9, loss, attacks);
  }
}
