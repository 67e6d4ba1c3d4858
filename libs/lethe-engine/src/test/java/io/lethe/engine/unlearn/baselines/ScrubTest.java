package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import org.junit.jupiter.api.Test;

class ScrubTest {
  @Test
  void defaultsAreTheScrubAuthors() {
    ScrubConfig c = ScrubConfig.builder().build();
    assertThat(c.maxSteps()).isEqualTo(2);
    assertThat(c.training().epochs()).isEqualTo(3);
    assertThat(c.temperature()).isEqualTo(4.0);
    assertThat(c.alpha()).isEqualTo(0.001);
    assertThat(c.gamma()).isEqualTo(0.99);
    assertThat(c.training().learningRate()).isEqualTo(0.0005f);
  }

  @Test
  void raisesTheForgetLossMoreThanTheRetainLoss() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      double forgetBefore = BaselineFixture.predict(model, data.forget()).meanLoss();
      double retainBefore = BaselineFixture.predict(model, data.retain()).meanLoss();
      UnlearningOutcome outcome =
          new Scrub(
                  ScrubConfig.builder()
                      .optLearningRate(0.01f)
                      .optBatchSize(30)
                      .optForgetBatchSize(10)
                      .optEpochs(2)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      double forgetRise = BaselineFixture.predict(model, data.forget()).meanLoss() - forgetBefore;
      double retainRise = BaselineFixture.predict(model, data.retain()).meanLoss() - retainBefore;

      // The fixture's forget samples are drawn like the retain ones, so the max steps cost some
      // retain loss too; the forget loss must still rise more.
      assertThat(forgetRise).isPositive().isGreaterThan(retainRise);
      // 2 epochs × (2 forget batches of 10 + 6 retain batches of 30)
      assertThat(outcome.steps()).isEqualTo(16);
      assertThat(outcome.forgetPasses()).isEqualTo(2.0);
      assertThat(outcome.retainPasses()).isEqualTo(2.0);
    }
  }
}
