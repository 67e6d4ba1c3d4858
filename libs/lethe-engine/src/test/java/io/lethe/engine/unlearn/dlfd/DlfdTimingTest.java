package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.data.ImageDataset;
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
import io.lethe.engine.unlearn.UnlearningOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DLFD says where its wall time went (monitor, perturbation, the rest), because that is what
 * decides whether it can be ten times cheaper than retraining: the benchmark's Table 3 shows it.
 */
class DlfdTimingTest {

  private static UnlearningData randomData() {
    Random random = new Random(9);
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      Split split = i < 120 ? Split.TRAIN : Split.UNSEEN;
      samples.add(new Sample(i, "x" + i, "s" + (i / 10), new int[] {random.nextInt(4)}, split));
      byte[] img = new byte[16 * 16];
      random.nextBytes(img);
      pixels.add(img);
    }
    ImageDataset ds =
        new ImageDataset(
            "random", LabelSchema.singleLabel(List.of("a", "b", "c", "d")), 1, 16, samples, pixels);
    UnlearningSplit split = UnlearningSplit.of(ds, Set.of("s0", "s1"));
    return new UnlearningData(ds, split.forget(), split.retain(), split.unseen(), new int[0]);
  }

  private static UnlearningOutcome run(DlfdConfig.Builder config) {
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 4, Normalization.uniform(1, 0.5f, 0.25f));
    UnlearningData data = randomData();
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), 1)) {
      return new Dlfd(
              config
                  .optBatchSize(16)
                  .optPerturbationSteps(3)
                  .optScoreEvery(2)
                  .optScoreSampleSize(32)
                  .build())
          .unlearn(model, data, ProgressListener.NONE);
    }
  }

  @Test
  void splitsItsWallTimeIntoMonitorAndPerturbationWhenEveryBatchIsPerturbed() {
    UnlearningOutcome outcome = run(DlfdConfig.builder().optDynamicForgetting(false));

    assertThat(outcome.perturbedSteps()).isEqualTo(outcome.steps()).isPositive();
    assertThat(outcome.perturbationSeconds()).isPositive();
    assertThat(outcome.monitorSeconds()).isPositive();
    assertThat(outcome.monitorSeconds() + outcome.perturbationSeconds())
        .as("the phases are parts of the wall time")
        .isLessThan(outcome.seconds());
  }

  @Test
  void spendsNoPerturbationTimeWhenTheScoreNeverReachesTheThreshold() {
    // A forgetting score of 0.5 needs a perfect attack; on random images it stays far below.
    UnlearningOutcome outcome = run(DlfdConfig.builder().optThreshold(0.5));

    assertThat(outcome.perturbedSteps()).isZero();
    assertThat(outcome.perturbationSeconds()).isZero();
    assertThat(outcome.monitorSeconds()).isPositive().isLessThan(outcome.seconds());
  }
}
