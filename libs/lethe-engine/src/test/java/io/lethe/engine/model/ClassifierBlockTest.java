package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.lethe.format.model.Normalization;
import org.junit.jupiter.api.Test;

/**
 * The wrapper with an identity-like backbone (flatten), so its embedding is exactly the normalised
 * input.
 */
class ClassifierBlockTest {
  private static final Normalization NORM =
      new Normalization(new float[] {0.25f, 0.5f}, new float[] {0.5f, 0.25f});
  private static final Shape INPUT = new Shape(2, 2, 3, 3);
  private static final int FLAT = 2 * 3 * 3;

  private static ClassifierBlock flattening(NDManager manager, int embeddingSize) {
    ClassifierBlock block = new ClassifierBlock(NORM, Blocks.batchFlattenBlock(), embeddingSize, 4);
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 3, 3));
    return block;
  }

  private static NDList forward(ClassifierBlock block, NDManager manager, NDArray x) {
    return block.forward(new ParameterStore(manager, false), new NDList(x), false);
  }

  @Test
  void appliesPerChannelNormalisationBeforeTheFeatures() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = flattening(manager, FLAT);
      NDArray x = manager.randomUniform(0f, 1f, INPUT);

      float[] embedding = forward(block, manager, x).get(1).toFloatArray();

      float[] pixels = x.toFloatArray();
      for (int i = 0; i < pixels.length; i++) {
        int channel = (i / 9) % 2;
        float expected = (pixels[i] - NORM.mean()[channel]) / NORM.std()[channel];
        assertThat(embedding[i]).as("element %d", i).isCloseTo(expected, within(1e-5f));
      }
    }
  }

  @Test
  void returnsLogitsFirstAndEmbeddingSecond() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = flattening(manager, FLAT);
      NDList out = forward(block, manager, manager.randomUniform(0f, 1f, INPUT));

      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 4));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, FLAT));
      assertThat(block.getOutputShapes(new Shape[] {INPUT}))
          .containsExactly(new Shape(2, 4), new Shape(2, FLAT));
    }
  }

  @Test
  void letsTheInputGradientFlowThroughTheNormalisation() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = flattening(manager, FLAT);
      NDArray x = manager.randomUniform(0f, 1f, INPUT);
      x.setRequiresGradient(true);

      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), true);
        collector.backward(out.get(1).sum());
      }

      // d/dx sum((x - mean) / std) = 1 / std of the pixel's channel.
      float[] grad = x.getGradient().toFloatArray();
      for (int i = 0; i < grad.length; i++) {
        int channel = (i / 9) % 2;
        assertThat(grad[i]).as("element %d", i).isCloseTo(1f / NORM.std()[channel], within(1e-5f));
      }
    }
  }

  @Test
  void rejectsFeaturesWhoseWidthIsNotTheDeclaredEmbeddingSize() {
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> flattening(manager, FLAT + 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("embeddingSize");
    }
  }

  @Test
  void rejectsAnInputWithTheWrongNumberOfChannels() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = flattening(manager, FLAT);
      NDArray x = manager.randomUniform(0f, 1f, new Shape(2, 3, 3, 3));

      assertThatThrownBy(() -> forward(block, manager, x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(N, 2, H, W)");
    }
  }
}
