package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import org.junit.jupiter.api.Test;

class NegGradTest {
  @Test
  void gradientAscentRaisesTheForgetLossAndReadsOnlyTheForgetSet() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      double before = BaselineFixture.predict(model, data.forget()).meanLoss();
      UnlearningOutcome outcome =
          new NegGrad(
                  NegGradConfig.builder()
                      .optLearningRate(0.01f)
                      .optBatchSize(10)
                      .optEpochs(2)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      double after = BaselineFixture.predict(model, data.forget()).meanLoss();

      assertThat(after).isGreaterThan(before * 2);
      assertThat(outcome.steps()).isEqualTo(4);
      assertThat(outcome.forgetPasses()).isEqualTo(2.0);
      assertThat(outcome.retainPasses()).isZero();
    }
  }

  @Test
  void negGradPlusPairsRetainBatchesWithCycledForgetBatches() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      double forgetBefore = BaselineFixture.predict(model, data.forget()).meanLoss();
      UnlearningOutcome outcome =
          new NegGrad(
                  NegGradConfig.builder()
                      .optRetainWeight(0.5)
                      .optLearningRate(0.01f)
                      .optBatchSize(20)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);

      assertThat(outcome.steps()).isEqualTo(data.retain().length / 20);
      assertThat(outcome.retainPasses()).isEqualTo(1.0);
      assertThat(outcome.forgetPasses()).isEqualTo(outcome.steps());
      assertThat(BaselineFixture.predict(model, data.forget()).meanLoss())
          .isGreaterThan(forgetBefore);
    }
  }
}
