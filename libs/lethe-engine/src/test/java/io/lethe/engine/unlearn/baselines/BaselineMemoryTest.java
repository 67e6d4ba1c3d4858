package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningMethods;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No memory growth across batches or runs: every array a baseline makes per batch (teacher outputs,
 * noise, gradients, optimiser state) must be released, so the model's manager holds exactly as many
 * arrays after a run as before it, however many batches ran, for every method.
 */
class BaselineMemoryTest {
  private static long arraysAfter(
      String method, int epochs, Classifier model, UnlearningData data) {
    Map<String, Object> settings = Map.of("epochs", epochs, "batchSize", 20, "learningRate", 0.001);
    if (method.equals(Unsir.NAME)) {
      settings = Map.of("epochs", epochs, "batchSize", 10, "noiseSteps", 2, "repairEpochs", 1);
    }
    UnlearningMethod m = UnlearningMethods.byName(method, settings);
    m.unlearn(model, data, ProgressListener.NONE);
    return model.manager().getManagedArrays().size();
  }

  @Test
  void managedArraysDoNotGrowWithTheNumberOfBatchesForAnyBaseline() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      long before = model.manager().getManagedArrays().size();
      for (String method : UnlearningMethods.BASELINES) {
        assertThat(arraysAfter(method, 1, model, data))
            .as("%s, one epoch", method)
            .isEqualTo(before);
        assertThat(arraysAfter(method, 2, model, data))
            .as("%s, two epochs", method)
            .isEqualTo(before);
      }
    }
  }
}
