package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkTablesTest {
  private static MethodResult result(String key, String label, int seed, double acc, double mia) {
    return result(key, label, seed, acc, mia, DynamicForgettingTrace.NONE);
  }

  private static MethodResult result(
      String key, String label, int seed, double acc, double mia, DynamicForgettingTrace trace) {
    return new MethodResult(
        key,
        label,
        seed,
        new EvaluationReport(
            acc, Math.min(1, acc + 0.1), new MiaResult(mia, 0.01, List.of(mia), 100, 100)),
        mia,
        acc,
        10.0 * seed,
        1,
        0,
        trace,
        Map.of(),
        List.of());
  }

  private final List<MethodResult> results =
      List.of(
          result("original", "Original", 1, 0.90, 0.70),
          result("dlfd", "DLFD", 1, 0.88, 0.52),
          result("original", "Original", 2, 0.90, 0.68),
          result("dlfd", "DLFD", 2, 0.86, 0.50),
          result("dlfd-ot-only", "DLFD: OT only", 1, 0.80, 0.50),
          result("dlfd-ot-cls", "DLFD: + classification loss", 1, 0.84, 0.50));

  @Test
  void aggregatesEachMethodOverItsSeedsInFirstSeenOrder() {
    List<AggregatedRow> rows = AggregatedRow.aggregate(results);

    assertThat(rows)
        .extracting(AggregatedRow::key)
        .containsExactly("original", "dlfd", "dlfd-ot-only", "dlfd-ot-cls");
    AggregatedRow dlfd = rows.get(1);
    assertThat(dlfd.seeds()).containsExactly(1, 2);
    assertThat(dlfd.testAccuracy().mean()).isEqualTo(0.87, offset(1e-12));
    assertThat(dlfd.testAccuracy().std()).isEqualTo(Math.sqrt(2 * 0.01 * 0.01), offset(1e-12));
    // NoMUS per seed: 0.5*(0.88+1-0.04)=0.92, 0.5*(0.86+1-0)=0.93.
    assertThat(dlfd.nomus().mean()).isEqualTo(0.925, offset(1e-12));
    assertThat(dlfd.seconds().mean()).isEqualTo(15.0, offset(1e-12));
    // The fixture's forget accuracy is the MIA value and its unseen accuracy the test accuracy.
    assertThat(dlfd.forgetAccuracy().mean()).isEqualTo(0.51, offset(1e-12));
    assertThat(dlfd.unseenAccuracy().mean()).isEqualTo(0.87, offset(1e-12));
  }

  @Test
  void table1HasOneRowPerMethodWithMeanPlusMinusStdAndTheFooter() {
    String md =
        BenchmarkTables.table1(
            "T", AggregatedRow.aggregate(results), List.of("Original's forgetting score: 0.19"));

    assertThat(md).contains("| DLFD | 0.8700 ± 0.0141 |");
    assertThat(md).contains("| Original | 0.9000 ± 0.0000 |");
    assertThat(md)
        .contains("| Forget acc | Unseen acc |")
        .contains(
            "| DLFD | 0.8700 ± 0.0141 | 0.9700 ± 0.0141 | 0.5100 ± 0.0141 | 0.8700 ± 0.0141 |");
    assertThat(md).contains("Original's forgetting score: 0.19");
    assertThat(md.lines().filter(l -> l.startsWith("| "))).hasSize(5); // header + 4 rows
  }

  @Test
  void table1ShowsEveryOtherAttackAndTheStrongestAttacksForgettingScore() {
    List<MethodResult> withAttacks = new ArrayList<>();
    for (int seed = 1; seed <= 2; seed++) {
      MiaResult loss = new MiaResult(0.52, 0.01, List.of(0.52), 100, 100);
      Map<String, MiaResult> attacks = new LinkedHashMap<>();
      attacks.put("loss", loss);
      attacks.put("confidence", new MiaResult(0.5, 0.01, List.of(0.5), 100, 100));
      // Seed 1: modified entropy is the strongest (0.1); seed 2: the loss attack (0.02).
      double mentr = seed == 1 ? 0.6 : 0.51;
      attacks.put("modified_entropy", new MiaResult(mentr, 0.01, List.of(mentr), 100, 100));
      withAttacks.add(
          new MethodResult(
              "dlfd",
              "DLFD",
              seed,
              new EvaluationReport(0.9, 0.95, loss, attacks),
              0.9,
              0.9,
              1,
              1,
              0,
              DynamicForgettingTrace.NONE,
              Map.of(),
              List.of()));
    }

    List<AggregatedRow> rows = AggregatedRow.aggregate(withAttacks);
    String md = BenchmarkTables.table1("T", rows, List.of());

    assertThat(rows.get(0).attackAccuracy()).containsOnlyKeys("confidence", "modified_entropy");
    assertThat(rows.get(0).strongestForgettingScore().mean()).isEqualTo(0.06, offset(1e-12));
    assertThat(md)
        .contains(
            "| Forget passes | MIA acc: confidence | MIA acc: modified_entropy |"
                + " Strongest-attack forgetting score |")
        .contains("| 0.5000 ± 0.0000 | 0.5550 ± 0.0636 | 0.0600 ± 0.0566 |");
    // Rows with the loss attack alone keep the paper's twelve columns.
    assertThat(BenchmarkTables.table1("T", AggregatedRow.aggregate(results), List.of()))
        .doesNotContain("Strongest");
  }

  @Test
  void table3ListsTheAblationInThePapersOrderWithItsComponents() {
    String md = BenchmarkTables.table3("T3", AggregatedRow.aggregate(results), List.of());
    List<String> rows = md.lines().filter(l -> l.startsWith("| DLFD")).toList();

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).startsWith("| DLFD: OT only | no | no |");
    assertThat(rows.get(1)).startsWith("| DLFD: + classification loss | yes | no |");
    assertThat(rows.get(2)).startsWith("| DLFD | yes | yes |");
  }

  @Test
  void table3ShowsHowManyBatchesDynamicForgettingPerturbedTheMonitorsReadingsAndWhereTimeWent() {
    List<MethodResult> traced =
        List.of(
            result(
                "dlfd",
                "DLFD",
                1,
                0.8,
                0.6,
                new DynamicForgettingTrace(20, 10, 0.14, 0.06, 6.0, 3, 40.0)),
            result(
                "dlfd",
                "DLFD",
                2,
                0.8,
                0.6,
                new DynamicForgettingTrace(20, 20, 0.12, 0.08, 8.0, 4, 80.0)),
            result("dlfd-ot-only", "DLFD: OT only", 1, 0.8, 0.6));

    List<AggregatedRow> rows = AggregatedRow.aggregate(traced);
    String md = BenchmarkTables.table3("T3", rows, List.of());

    assertThat(rows.get(0).perturbedShare().mean()).isEqualTo(0.75, offset(1e-12));
    assertThat(md)
        .contains(
            "| of which monitor | of which perturbation | Perturbed batches | Monitor: original →"
                + " after |");
    assertThat(md.lines().filter(l -> l.startsWith("| DLFD |")).findFirst().orElseThrow())
        .endsWith("| 7.0 ± 1.4 | 60.0 ± 28.3 | 0.75 ± 0.35 | 0.130 → 0.070 |");
    // A row whose runs have no monitor shows dashes, not NaN.
    assertThat(rows.get(1).initialEstimate()).isNull();
    assertThat(md.lines().filter(l -> l.startsWith("| DLFD: OT only")).findFirst().orElseThrow())
        .endsWith("| – | – | – | – |");
  }
}
