package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.api.Test;

/**
 * No memory growth across batches: every array DLFD makes per batch or per perturbation step must
 * be released with its sub-manager, so the model's manager holds exactly as many arrays after a run
 * as before it, however many batches ran.
 */
class DlfdMemoryTest {

  private static long arraysAfter(int epochs, Classifier model, UnlearningData data) {
    DlfdConfig config =
        DlfdConfig.builder()
            .optEpochs(epochs)
            .optBatchSize(16)
            .optPerturbationSteps(2)
            .optDynamicForgetting(false)
            .optScoreEvery(3)
            .optScoreSampleSize(32)
            .build();
    new Dlfd(config).unlearn(model, data, ProgressListener.NONE);
    return model.manager().getManagedArrays().size();
  }

  @Test
  void managedArraysDoNotGrowWithTheNumberOfBatches() {
    ImageDataset ds = RandomImageData.dataset(200, 150, 5);
    UnlearningData data = RandomImageData.forgettingTwoSubjects(ds);
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 4, Normalization.uniform(1, 0.5f, 0.25f));
    try (Classifier model = Classifier.create(spec, ds.labelSchema(), 1)) {
      long before = model.manager().getManagedArrays().size();
      long afterOneEpoch = arraysAfter(1, model, data);
      long afterThreeEpochs = arraysAfter(3, model, data);
      assertThat(afterOneEpoch).as("arrays after a run of 8 batches").isEqualTo(before);
      assertThat(afterThreeEpochs).as("arrays after another run of 24 batches").isEqualTo(before);
      assertThat(Indices.ofSplit(ds, Split.TRAIN)).hasSize(150);
    }
  }
}
