package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {
  private static final ModelSpec SMALL =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));

  @Test
  void resnet18WithTheImagenetStemHasExactlyTorchvisionsBackbone() {
    ModelSpec spec =
        new ModelSpec(Architecture.RESNET18, 3, 32, 10, Normalization.imagenet(), false);
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      long head = 512 * 256 + 256 + 256 * 128 + 128;

      assertThat(Models.trainableParameterCount(block.features()))
          .isEqualTo(ResNet18Test.TORCHVISION_BACKBONE + head);
      NDList out = ModelFixture.forward(block, manager, ModelFixture.pixels(manager, spec), false);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 10));
    }
  }

  @Test
  void densenet121WithTheImagenetStemHasExactlyTorchvisionsFeatures() {
    ModelSpec spec =
        new ModelSpec(Architecture.DENSENET121, 3, 32, 10, Normalization.imagenet(), false);
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);

      assertThat(Models.trainableParameterCount(block.features()))
          .isEqualTo(DenseNet121Test.TORCHVISION_FEATURES);
      NDList out = ModelFixture.forward(block, manager, ModelFixture.pixels(manager, spec), false);
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 1024));
    }
  }

  @Test
  void theSameSeedGivesTheSameParameters() {
    try (NDManager a = NDManager.newBaseManager();
        NDManager b = NDManager.newBaseManager()) {
      List<float[]> first = parameters(ModelFixture.initialized(a, SMALL));
      List<float[]> second = parameters(ModelFixture.initialized(b, SMALL));

      assertThat(second).hasSameSizeAs(first);
      for (int i = 0; i < first.size(); i++) {
        assertThat(second.get(i)).as("parameter %d", i).isEqualTo(first.get(i));
      }
    }
  }

  @Test
  void aDifferentSeedGivesDifferentWeights() {
    try (NDManager a = NDManager.newBaseManager();
        NDManager b = NDManager.newBaseManager()) {
      ClassifierBlock first = Models.build(SMALL);
      Models.initialize(first, a, SMALL, 1);
      ClassifierBlock second = Models.build(SMALL);
      Models.initialize(second, b, SMALL, 2);

      assertThat(firstWeight(second)).isNotEqualTo(firstWeight(first));
    }
  }

  @Test
  void initialisesConvolutionWeightsWithHeNormalStatistics() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, SMALL);
      // Second conv: 3x3 kernels over 32 channels, fan-in 288, He std sqrt(2/288) = 0.0833.
      NDArray w =
          block.getParameters().values().stream()
              .filter(p -> p.getType() == Parameter.Type.WEIGHT)
              .map(Parameter::getArray)
              .filter(arr -> arr.getShape().equals(new Shape(64, 32, 3, 3)))
              .findFirst()
              .orElseThrow();
      float[] values = w.toFloatArray();
      double mean = 0;
      for (float v : values) {
        mean += v;
      }
      mean /= values.length;
      double var = 0;
      for (float v : values) {
        var += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(var / values.length);

      assertThat(std).isBetween(0.075, 0.092);
    }
  }

  @Test
  void savedParametersReloadIntoAFreshBlockWithIdenticalOutputs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock original = ModelFixture.initialized(manager, SMALL);
      ModelFixture.forward(original, manager, ModelFixture.pixels(manager, SMALL), true);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      original.saveParameters(new DataOutputStream(bytes));

      ClassifierBlock restored = Models.build(SMALL);
      Models.initialize(restored, manager, SMALL, 7);
      restored.loadParameters(
          manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

      NDArray x = ModelFixture.pixels(manager, SMALL);
      assertThat(ModelFixture.forward(restored, manager, x, false).get(0).toFloatArray())
          .isEqualTo(ModelFixture.forward(original, manager, x, false).get(0).toFloatArray());
    }
  }

  private static float[] firstWeight(ClassifierBlock block) {
    return block.getParameters().values().stream()
        .filter(p -> p.getType() == Parameter.Type.WEIGHT)
        .findFirst()
        .orElseThrow()
        .getArray()
        .toFloatArray();
  }

  private static List<float[]> parameters(ClassifierBlock block) {
    List<float[]> values = new ArrayList<>();
    for (Parameter p : block.getParameters().values()) {
      values.add(p.getArray().toFloatArray());
    }
    return values;
  }
}
