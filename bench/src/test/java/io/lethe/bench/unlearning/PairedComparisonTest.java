package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairedComparisonTest {
  /** A committed run; bench/README.md quotes its paired differences. */
  private static final Path COMMITTED =
      Path.of("results/fashion-mnist-resnet18-alpha-threshold-grid/table1.json");

  @Test
  void reproducesThePairedDifferencesQuotedForACommittedRun() throws Exception {
    List<PairedDifference> pairs =
        PairedDifference.between("dlfd", PairedComparison.read(COMMITTED));

    PairedDifference euk =
        pairs.stream().filter(p -> p.key().equals("eu-k")).findFirst().orElseThrow();
    assertThat(euk.label()).isEqualTo("EU-k");
    assertThat(euk.seeds()).containsExactly(1, 2, 3);
    assertThat(euk.nomusDifference().mean()).isEqualTo(-0.029, offset(0.0005));
    assertThat(euk.wins()).isZero();
    assertThat(pairs).extracting(PairedDifference::key).contains("original", "retrain", "scrub");
  }

  @Test
  void refusesAFileThatIsNotABenchmarksTable(@TempDir Path dir) throws Exception {
    Path other = Files.writeString(dir.resolve("table1.json"), "{\"rows\": 3}");

    assertThatThrownBy(() -> PairedComparison.read(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a benchmark's table1.json");
    assertThatThrownBy(() -> PairedComparison.read(dir.resolve("missing.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a file");
  }
}
