package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.unlearn.ForgettingScoreMonitor;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.api.Test;

/** DLFD's monitor scores only what its balanced attack uses, and gives a valid score. */
class ForgettingScoreMonitorTest {

  @Test
  void scoresAsManyForgetAsUnseenSamplesBecauseTheAttackBalancesThemAnyway() {
    // 2 forget subjects = 20 images, 40 unseen.
    UnlearningData data =
        RandomImageData.forgettingTwoSubjects(RandomImageData.dataset(160, 120, 9));
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 4, Normalization.uniform(1, 0.5f, 0.25f));
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), 1)) {
      ForgettingScoreMonitor capped = new ForgettingScoreMonitor(model, data, 512, 5, 1);
      ForgettingScoreMonitor small = new ForgettingScoreMonitor(model, data, 8, 5, 1, 4);

      assertThat(data.forget()).hasSize(20);
      assertThat(data.unseen()).hasSize(40);
      assertThat(capped.samplesPerGroup()).isEqualTo(20);
      assertThat(small.samplesPerGroup()).isEqualTo(8);
      assertThat(capped.estimate()).isBetween(0.0, 0.5);
      assertThat(small.estimate()).isBetween(0.0, 0.5);
    }
  }
}
