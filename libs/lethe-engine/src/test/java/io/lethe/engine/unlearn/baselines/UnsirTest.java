package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnsirTest {
  @Test
  void learntNoiseMaximisesTheLossOfTheForgetLabelsAndLeavesTheModelAlone() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained();
        NDManager batch = model.manager().newSubManager()) {
      var before = BaselineFixture.snapshot(model);
      NDArray labels =
          new ImageBatches(BaselineFixture.dataset()).labels(batch, data.forget(), 0, 10);
      TaskLoss loss = TaskLoss.of(model.labels());
      double untrained =
          loss.mean(
                  model
                      .predict(
                          new Unsir(UnsirConfig.builder().optNoiseSteps(1).build())
                              .errorMaximisingNoise(model, batch, labels, new Random(1)))
                      .get(0),
                  labels)
              .getFloat();
      NDArray noise =
          new Unsir(UnsirConfig.builder().optNoiseSteps(15).build())
              .errorMaximisingNoise(model, batch, labels, new Random(1));
      double shaped = loss.mean(model.predict(noise).get(0), labels).getFloat();

      assertThat(shaped).isGreaterThan(untrained + 1.0);
      assertThat(BaselineFixture.snapshot(model))
          .allSatisfy((path, v) -> assertThat(v).isEqualTo(before.get(path)));
    }
  }

  @Test
  void impairsWithNoisePerForgetBatchThenRepairsOnRetain() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      UnlearningOutcome outcome =
          new Unsir(UnsirConfig.builder().optBatchSize(10).optNoiseSteps(3).build())
              .unlearn(model, data, ProgressListener.NONE);

      // 2 impair steps (one per forget batch of 10) + 18 repair steps over 180 retain samples
      assertThat(outcome.steps()).isEqualTo(20);
      assertThat(outcome.forgetPasses()).as("only forget labels are read").isZero();
      assertThat(outcome.retainPasses())
          .isCloseTo(200.0 / 180, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(BaselineFixture.predict(model, data.retain()).accuracy()).isGreaterThan(0.5);
    }
  }

  @Test
  void noiseStartsAsUnitGaussianInTheModelsNormalisedUnitsAsTheAuthorsShapeIt() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained();
        NDManager batch = model.manager().newSubManager()) {
      NDArray labels =
          new ImageBatches(BaselineFixture.dataset()).labels(batch, data.forget(), 0, 10);
      // One tiny Adam step: the noise is still its N(0, 1) initialisation, in normalised units.
      NDArray pixels =
          new Unsir(UnsirConfig.builder().optNoiseSteps(1).optNoiseLearningRate(1e-4f).build())
              .errorMaximisingNoise(model, batch, labels, new Random(1));

      // The fixture normalises with mean 0.5 and std 0.25: pixels = 0.5 + 0.25·n.
      NDArray normalised = pixels.sub(0.5f).div(0.25f);
      double mean = normalised.mean().getFloat();
      double std = Math.sqrt(normalised.sub((float) mean).square().mean().getFloat());
      assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(0.05));
      assertThat(std).isCloseTo(1, org.assertj.core.data.Offset.offset(0.05));
    }
  }
}
