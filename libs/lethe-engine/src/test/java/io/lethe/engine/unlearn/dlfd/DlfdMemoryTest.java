package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.data.ImageDataset;
import io.lethe.engine.data.Indices;
import io.lethe.engine.data.LabelSchema;
import io.lethe.engine.data.Sample;
import io.lethe.engine.data.Split;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.model.Architecture;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.ModelSpec;
import io.lethe.engine.model.Normalization;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No memory growth across batches: every array DLFD makes per batch or per perturbation step must
 * be released with its sub-manager, so the model's manager holds exactly as many arrays after a run
 * as before it, however many batches ran.
 */
class DlfdMemoryTest {

  private static ImageDataset randomDataset() {
    Random random = new Random(5);
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Split split = i < 150 ? Split.TRAIN : Split.UNSEEN;
      samples.add(new Sample(i, "x" + i, "s" + (i / 10), new int[] {random.nextInt(4)}, split));
      byte[] img = new byte[16 * 16];
      random.nextBytes(img);
      pixels.add(img);
    }
    return new ImageDataset(
        "random", LabelSchema.singleLabel(List.of("a", "b", "c", "d")), 1, 16, samples, pixels);
  }

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
    ImageDataset ds = randomDataset();
    UnlearningSplit split = UnlearningSplit.of(ds, Set.of("s0", "s1"));
    UnlearningData data =
        new UnlearningData(ds, split.forget(), split.retain(), split.unseen(), new int[0]);
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
