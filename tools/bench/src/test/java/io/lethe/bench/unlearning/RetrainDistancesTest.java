package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lethe.engine.evaluation.ModelOutputs;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainDistancesTest {
  private static ModelOutputs outputs(float[]... rows) {
    int[] indices = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      indices[i] = i;
    }
    return new ModelOutputs(indices, rows, false);
  }

  private static RetrainDistances.Outputs same(ModelOutputs o) {
    return new RetrainDistances.Outputs(o, o, o);
  }

  @Test
  void eachRunIsComparedWithRetrainOnItsOwnSeed() {
    ModelOutputs retrain1 = outputs(new float[] {0.9f, 0.1f}, new float[] {0.2f, 0.8f});
    ModelOutputs retrain2 = outputs(new float[] {0.1f, 0.9f}, new float[] {0.2f, 0.8f});
    RetrainDistances d = new RetrainDistances();
    d.record(BenchMethod.RETRAIN, "Retrain", 1, same(retrain1));
    d.record(BenchMethod.RETRAIN, "Retrain", 2, same(retrain2));
    // Fine-tune equals seed 1's Retrain: on seed 1 it agrees everywhere, on seed 2 on half.
    d.record("finetune", "Fine-tune", 1, same(retrain1));
    d.record("finetune", "Fine-tune", 2, same(retrain1));

    List<RetrainDistances.Row> rows = d.rows();

    assertThat(rows).extracting(RetrainDistances.Row::seed).containsExactly(1, 2);
    assertThat(rows.get(0).forget().agreement()).isEqualTo(1.0);
    assertThat(rows.get(0).test().jsDivergence()).isCloseTo(0.0, within(1e-12));
    assertThat(rows.get(1).forget().agreement()).isEqualTo(0.5);
    assertThat(rows.get(1).forget().jsDivergence()).isPositive();
    String table = RetrainDistances.table(rows);
    assertThat(table)
        .contains("## Distance to Retrain")
        .contains("| Fine-tune | 0.7500 ± 0.3536 |")
        .doesNotContain("| Retrain |");
  }

  @Test
  void withoutRetrainThereIsNoTable() {
    RetrainDistances d = new RetrainDistances();
    d.record("finetune", "Fine-tune", 1, same(outputs(new float[] {1, 0})));
    assertThat(d.rows()).isEmpty();
    assertThat(RetrainDistances.table(d.rows())).isEmpty();
  }
}
