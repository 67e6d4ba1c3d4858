package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dropout is active only in a training forward. DenseNet-121 has no dropout (torchvision's default
 * drop rate is 0), so it is not listed.
 */
class TrainEvalModeTest {
  @ParameterizedTest
  @EnumSource(
      value = Architecture.class,
      names = {"SMALL_CNN", "RESNET18", "EFFICIENTNET_B0"})
  void trainingForwardsOfTheSameInputDifferBecauseOfDropout(Architecture architecture) {
    ModelSpec spec = ModelSpec.of(architecture, 3, 32, 10, Normalization.imagenet());
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      NDArray x = ModelFixture.pixels(manager, spec);

      float[] first = ModelFixture.forward(block, manager, x, true).get(1).toFloatArray();
      float[] second = ModelFixture.forward(block, manager, x, true).get(1).toFloatArray();

      assertThat(second).isNotEqualTo(first);
    }
  }
}
