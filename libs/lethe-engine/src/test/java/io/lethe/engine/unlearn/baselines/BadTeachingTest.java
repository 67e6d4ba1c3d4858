package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import org.junit.jupiter.api.Test;

class BadTeachingTest {
  /** Mean KL(teacher ‖ model) over {@code indices}, both in eval mode. */
  private static double divergence(Classifier teacher, Classifier model, int[] indices) {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray x = new ImageBatches(BaselineFixture.dataset()).images(m, indices, 0, indices.length);
      Distillation kl = new Distillation(model.labels(), 1);
      return kl.mean(model.predict(x).get(0), teacher.predict(x).get(0)).getFloat();
    }
  }

  @Test
  void movesForgetOutputsTowardsTheIncompetentTeacherAndRetainOutputsStayNearTheOriginal() {
    UnlearningData data = BaselineFixture.data();
    int seed = 4;
    try (Classifier model = BaselineFixture.trained();
        Classifier original = model.copy();
        // The incompetent teacher BadTeaching draws for this seed.
        Classifier incompetent = Classifier.create(model.spec(), model.labels(), seed * 31 + 17)) {
      double forgetBefore = divergence(incompetent, model, data.forget());
      UnlearningOutcome outcome =
          new BadTeaching(
                  BadTeachingConfig.builder()
                      .optLearningRate(0.002f)
                      .optBatchSize(16)
                      .optEpochs(3)
                      .optSeed(seed)
                      .build())
              .unlearn(model, data, ProgressListener.NONE);
      double forgetAfter = divergence(incompetent, model, data.forget());
      double retainFromOriginal = divergence(original, model, data.retain());
      double forgetFromOriginal = divergence(original, model, data.forget());

      assertThat(forgetAfter).isLessThan(forgetBefore / 2);
      assertThat(forgetFromOriginal).isGreaterThan(retainFromOriginal);
      int pool = data.forget().length + (int) Math.round(0.3 * data.retain().length);
      assertThat(outcome.steps()).isEqualTo(3L * (pool / 16));
      assertThat(outcome.forgetPasses()).isGreaterThan(2.0);
    }
  }
}
