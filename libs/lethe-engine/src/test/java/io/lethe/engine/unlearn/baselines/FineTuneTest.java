package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FineTuneTest {
  @Test
  void defaultsAreTheIssuesLearningRateAndTwoEpochs() {
    FineTuneConfig c = FineTuneConfig.builder().build();
    assertThat(c.training().learningRate()).isEqualTo(0.001f);
    assertThat(c.training().epochs()).isEqualTo(2);
    assertThat(c.training().optimizer()).isEqualTo(OptimizerKind.SGD);
  }

  @Test
  void trainsEveryTrainableParameterOnTheRetainSetOnly() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      Map<String, float[]> before = BaselineFixture.snapshot(model);
      UnlearningOutcome outcome =
          new FineTune(FineTuneConfig.builder().optLearningRate(0.01f).optEpochs(1).build())
              .unlearn(model, data, ProgressListener.NONE);
      Map<String, float[]> after = BaselineFixture.snapshot(model);

      before.forEach(
          (path, values) ->
              assertThat(Arrays.equals(values, after.get(path)))
                  .as("%s unchanged", path)
                  .isFalse());
      assertThat(outcome.method()).isEqualTo("finetune");
      assertThat(outcome.steps()).isEqualTo(data.retain().length / 32);
      assertThat(outcome.forgetPasses()).isZero();
      assertThat(outcome.retainPasses()).isBetween(0.8, 1.0);
      assertThat(outcome.seconds()).isPositive();
    }
  }
}
