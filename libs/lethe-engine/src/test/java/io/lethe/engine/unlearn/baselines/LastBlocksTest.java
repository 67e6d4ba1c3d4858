package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** CF-k and EU-k train the last k blocks and leave every other value bit-identical. */
class LastBlocksTest {
  private static Set<String> changed(Map<String, float[]> before, Map<String, float[]> after) {
    Set<String> out = new TreeSet<>();
    before.forEach(
        (path, v) -> {
          if (!Arrays.equals(v, after.get(path))) {
            out.add(path);
          }
        });
    return out;
  }

  private static Set<String> pathsOfLast(Classifier model, int k) {
    Set<String> ids = new HeadBlocks(model.layers("test")).parameterIdsOfLast(k);
    Set<String> out = new TreeSet<>();
    for (var e : model.block().getParameters()) {
      if (ids.contains(e.getValue().getId())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  @Test
  void theSmallCnnHasFourBlocksCountedFromTheHead() {
    try (Classifier model = BaselineFixture.trained()) {
      HeadBlocks head = new HeadBlocks(model.layers("test"));
      assertThat(head.count()).isEqualTo(4);
      assertThat(head.last(1)).containsExactly(model.layers("test").classifier());
      assertThatThrownBy(() -> head.last(5)).hasMessageContaining("between 1 and 4");
    }
  }

  @Test
  void cfKChangesOnlyTheLastKBlocksAndLeavesTheRestBitIdentical() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      Map<String, float[]> before = BaselineFixture.snapshot(model);
      Set<String> trained = pathsOfLast(model, 2);
      LastBlocks.cfK(
              LastBlocksConfig.cfBuilder().optK(2).optLearningRate(0.01f).optEpochs(1).build())
          .unlearn(model, data, ProgressListener.NONE);
      Set<String> changed = changed(before, BaselineFixture.snapshot(model));

      assertThat(trained).isNotEmpty();
      // The hidden linear layer and the classifier: weights and biases, no BatchNorm.
      assertThat(changed).isEqualTo(trained);
      assertThat(model.block().getParameters().values())
          .as("trainability restored")
          .allMatch(
              p ->
                  p.requiresGradient()
                      != (p.getType() == ai.djl.nn.Parameter.Type.RUNNING_MEAN
                          || p.getType() == ai.djl.nn.Parameter.Type.RUNNING_VAR));
    }
  }

  @Test
  void euKReinitialisesAndRetrainsOnlyTheLastKBlocks() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      Map<String, float[]> before = BaselineFixture.snapshot(model);
      Set<String> trained = pathsOfLast(model, 3);
      LastBlocks.euK(LastBlocksConfig.euBuilder().optK(3).optEpochs(2).build())
          .unlearn(model, data, ProgressListener.NONE);
      Map<String, float[]> after = BaselineFixture.snapshot(model);

      // Running statistics of the re-initialised stage change too (fresh, then re-estimated).
      assertThat(changed(before, after)).isEqualTo(trained);
      assertThat(trained).anyMatch(p -> BaselineFixture.isRunningStatistic(model, p));
      // Still a working classifier after retraining the head from scratch.
      assertThat(BaselineFixture.predict(model, data.retain()).accuracy()).isGreaterThan(0.5);
    }
  }
}
