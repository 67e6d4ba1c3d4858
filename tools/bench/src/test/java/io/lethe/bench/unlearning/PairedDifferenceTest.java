package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {
  /** NoMUS = ½(acc + 1 − 2·|mia − 0.5|); mia 0.5 makes it ½(acc + 1). */
  private static MethodResult result(String key, int seed, double acc, double seconds) {
    return new MethodResult(
        key,
        key.toUpperCase(),
        seed,
        new EvaluationReport(acc, acc, new MiaResult(0.5, 0.01, List.of(0.5), 100, 100)),
        1,
        acc,
        seconds,
        1,
        0,
        DynamicForgettingTrace.NONE,
        Map.of(),
        List.of());
  }

  @Test
  void pairsTheReferenceWithEachMethodOnTheSameSeedOnly() {
    List<MethodResult> results =
        List.of(
            result("dlfd", 1, 0.80, 10),
            result("euk", 1, 0.70, 20),
            result("dlfd", 2, 0.60, 30),
            result("euk", 2, 0.64, 10),
            // seed 3 has no DLFD result (diverged): it must not be paired with anything
            result("euk", 3, 0.10, 10),
            result("retrain", 1, 0.90, 100));

    List<PairedDifference> pairs = PairedDifference.against("dlfd", results);

    assertThat(pairs).extracting(PairedDifference::key).containsExactly("euk", "retrain");
    PairedDifference euk = pairs.get(0);
    assertThat(euk.seeds()).containsExactly(1, 2);
    // NoMUS differences: ½(0.80 − 0.70) = +0.05 and ½(0.60 − 0.64) = −0.02.
    assertThat(euk.nomusDifference().mean()).isEqualTo(0.015, offset(1e-12));
    assertThat(euk.nomusDifference().std()).isEqualTo(Math.sqrt(2 * 0.035 * 0.035), offset(1e-12));
    assertThat(euk.wins()).isEqualTo(1);
    // Time ratios 10/20 and 30/10.
    assertThat(euk.secondsRatio().mean()).isEqualTo(1.75, offset(1e-12));
    PairedDifference retrain = pairs.get(1);
    assertThat(retrain.seeds()).containsExactly(1);
    assertThat(retrain.nomusDifference().mean()).isEqualTo(-0.05, offset(1e-12));
    assertThat(retrain.wins()).isZero();
    assertThat(retrain.secondsRatio().mean()).isEqualTo(0.1, offset(1e-12));
  }

  @Test
  void noReferenceResultMeansNoPairsAndNoTable() {
    List<PairedDifference> pairs =
        PairedDifference.against("dlfd", List.of(result("euk", 1, 0.7, 1)));

    assertThat(pairs).isEmpty();
    assertThat(BenchmarkTables.pairedTable("DLFD", pairs)).isEmpty();
  }

  @Test
  void rendersSignedDifferencesWinsAndTimeRatios() {
    List<PairedDifference> pairs =
        PairedDifference.against(
            "dlfd",
            List.of(
                result("dlfd", 1, 0.80, 10),
                result("euk", 1, 0.70, 20),
                result("dlfd", 2, 0.60, 30),
                result("euk", 2, 0.64, 10)));

    String table = BenchmarkTables.pairedTable("DLFD", pairs);

    assertThat(table)
        .contains("## Paired with DLFD")
        .contains("| NoMUS: DLFD − method | Seeds where DLFD ≥ method | Wall time: DLFD / method |")
        .contains("| EUK | +0.0150 ± 0.0495 | 1 of 2 | 1.75 ± 1.77 |");
  }
}
