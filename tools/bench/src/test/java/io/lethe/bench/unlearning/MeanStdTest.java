package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class MeanStdTest {
  @Test
  void sampleStandardDeviationOverSeeds() {
    MeanStd m = MeanStd.of(0.80, 0.82, 0.84);
    assertThat(m.mean()).isEqualTo(0.82, offset(1e-12));
    assertThat(m.std()).isEqualTo(0.02, offset(1e-12)); // n-1: sqrt((0.0004+0+0.0004)/2)
    assertThat(m.n()).isEqualTo(3);
  }

  @Test
  void oneSeedHasZeroSpread() {
    assertThat(MeanStd.of(0.5)).isEqualTo(new MeanStd(0.5, 0, 1));
  }

  @Test
  void formatsMeanPlusMinusStd() {
    assertThat(MeanStd.of(0.80, 0.82, 0.84).format(3)).isEqualTo("0.820 ± 0.020");
  }

  @Test
  void noValuesIsAnError() {
    assertThatThrownBy(MeanStd::of).hasMessageContaining("no values");
  }
}
