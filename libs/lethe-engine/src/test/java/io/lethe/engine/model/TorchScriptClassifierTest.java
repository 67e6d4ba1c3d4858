package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.lethe.format.model.ModelFormat;
import io.lethe.format.model.TorchScriptDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptClassifierTest {
  private final TorchScriptFixture fixture = new TorchScriptFixture();

  private static Classifier load(String name) {
    return TorchScriptClassifiers.load(
        TorchScriptFixture.file(name + ".pt"), TorchScriptFixture.file(name + ".json"), null);
  }

  private static void assertClose(float[][] expected, NDArray actual, double tolerance) {
    float[] flat = actual.toFloatArray();
    int cols = expected[0].length;
    assertThat(actual.getShape().get(0)).isEqualTo(expected.length);
    assertThat(actual.getShape().get(1)).isEqualTo(cols);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < cols; j++) {
        assertThat(flat[i * cols + j])
            .as("[%d][%d]", i, j)
            .isCloseTo(expected[i][j], within((float) tolerance));
      }
    }
  }

  @Test
  void scriptedModuleReproducesPythonLogits() {
    try (Classifier model = load("model");
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.format()).isEqualTo(ModelFormat.TORCHSCRIPT);
      assertThat(model.labels().names()).hasSize(10).startsWith("T-shirt/top");
      assertThat(model.hasEmbedding()).isFalse();
      NDList out = model.predict(fixture.pixels(m));
      assertThat(out).hasSize(1);
      assertClose(fixture.logits(), out.get(0), 1e-4);
    }
  }

  @Test
  void tracedModuleReproducesPythonLogits() {
    try (Classifier model = load("traced");
        NDManager m = model.manager().newSubManager()) {
      assertClose(fixture.logits(), model.predict(fixture.pixels(m)).get(0), 1e-4);
    }
  }

  @Test
  void featuresModuleReturnsLogitsAndFeatures() {
    try (Classifier model = load("features");
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.hasEmbedding()).isTrue();
      NDList out = model.predict(fixture.pixels(m));
      assertClose(fixture.logits(), out.get(0), 1e-4);
      assertClose(fixture.features(), out.get(1), 1e-4);
    }
  }

  @Test
  void parametersAreTrainableAndBatchNormFollowsTheTrainingFlag() {
    try (Classifier model = load("model");
        NDManager m = model.manager().newSubManager()) {
      // 14 tensors: weight and bias of three convolutions, three BatchNorms and the linear layer;
      // BatchNorm running statistics are buffers, not parameters
      assertThat(model.block().getParameters().values())
          .hasSize(14)
          .allMatch(Parameter::requiresGradient);
      NDArray x = fixture.pixels(m);
      ParameterStore ps = new ParameterStore(model.manager(), false);
      NDArray eval = model.forward(ps, x, false).get(0);
      assertClose(fixture.logits(), eval, 1e-4);
      NDArray train = model.forward(ps, x, true).get(0);
      // batch statistics of 8 images differ from the running statistics
      assertThat(train.sub(eval).abs().max().getFloat()).isGreaterThan(1e-3f);
      // and the train-mode forward moved the running statistics, as module.train() does in torch
      NDArray evalAfter = model.forward(ps, x, false).get(0);
      assertThat(evalAfter.sub(eval).abs().max().getFloat()).isGreaterThan(1e-4f);
    }
  }

  @Test
  void exportedModuleReloadsWithIdenticalPredictions(@TempDir Path dir) throws Exception {
    try (Classifier model = load("model");
        NDManager m = model.manager().newSubManager()) {
      NDArray before = model.predict(fixture.pixels(m)).get(0);
      Files.write(dir.resolve("exported.pt"), model.parameterBytes());
      try (Model plain = Model.newInstance("plain", "PyTorch")) {
        plain.load(dir, "exported", Map.of());
        NDArray x =
            InputNormalizer.apply(
                model.torchScriptDescriptor().orElseThrow().normalization(),
                fixture.pixels(plain.getNDManager()));
        NDArray after =
            plain
                .getBlock()
                .forward(new ParameterStore(plain.getNDManager(), false), new NDList(x), false)
                .get(0);
        assertThat(after.toFloatArray()).containsExactly(before.toFloatArray());
      }
    }
  }

  @Test
  void badInputsGetClearErrors(@TempDir Path dir) throws Exception {
    Path notTs = dir.resolve("junk.pt");
    Files.writeString(notTs, "not a zip");
    assertThatThrownBy(
            () -> TorchScriptClassifiers.load(notTs, TorchScriptFixture.file("model.json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a TorchScript archive");
    String good = Files.readString(TorchScriptFixture.file("model.json"));
    Path fewLabels = dir.resolve("few.json");
    Files.writeString(fewLabels, good.replace("\"Bag\",", "").replace("\"Sandal\",", ""));
    assertThatThrownBy(
            () -> TorchScriptClassifiers.load(TorchScriptFixture.file("model.pt"), fewLabels, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(1, 8) for the descriptor's 8 labels");
    Path noNorm = dir.resolve("nonorm.json");
    Files.writeString(noNorm, good.replace("\"normalization\"", "\"normalisation\""));
    assertThatThrownBy(
            () -> TorchScriptClassifiers.load(TorchScriptFixture.file("model.pt"), noNorm, null))
        .hasMessageContaining("unknown field 'normalisation'");
    assertThatThrownBy(
            () ->
                TorchScriptDescriptor.fromJson(
                    "{\"formatVersion\":1,\"input\":{\"channels\":1,\"height\":28,\"width\":28},"
                        + "\"labels\":[\"a\",\"b\"]}"))
        .hasMessageContaining("missing field 'normalization'");
    assertThatThrownBy(() -> load("noparams"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no trainable parameters");
    Path wrongFeatures = dir.resolve("wf.json");
    Files.writeString(
        wrongFeatures, good.replace("\"labels\"", "\"featuresOutput\": 1, \"labels\""));
    assertThatThrownBy(
            () ->
                TorchScriptClassifiers.load(
                    TorchScriptFixture.file("model.pt"), wrongFeatures, null))
        .hasMessageContaining("featuresOutput is 1 but the TorchScript module returned 1 output");
  }
}
