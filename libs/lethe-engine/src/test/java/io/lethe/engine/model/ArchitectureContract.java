package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.format.model.ModelSpec;
import org.junit.jupiter.api.Test;

/**
 * What every architecture must satisfy, run once per architecture by its subclass: shapes, the
 * torchvision parameter count, and a usable input gradient.
 */
abstract class ArchitectureContract {
  /** The spec under test (small inputs: the suite must stay fast on 2 CPU cores). */
  abstract ModelSpec spec();

  abstract int expectedEmbeddingSize();

  /** Trainable parameters of the whole classifier, derived from torchvision's counts. */
  abstract long expectedParameterCount();

  @Test
  void producesLogitsThenEmbeddingWithTheDeclaredShapes() {
    ModelSpec spec = spec();
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      NDList out = ModelFixture.forward(block, manager, ModelFixture.pixels(manager, spec), false);

      Shape logits = new Shape(ModelFixture.BATCH, spec.numOutputs());
      Shape embedding = new Shape(ModelFixture.BATCH, expectedEmbeddingSize());
      assertThat(out).hasSize(2);
      assertThat(out.get(0).getShape()).isEqualTo(logits);
      assertThat(out.get(1).getShape()).isEqualTo(embedding);
      assertThat(block.embeddingSize()).isEqualTo(expectedEmbeddingSize());
      assertThat(block.getOutputShapes(new Shape[] {Models.inputShape(spec, ModelFixture.BATCH)}))
          .containsExactly(logits, embedding);
    }
  }

  @Test
  void hasTheTorchvisionParameterCount() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec());
      assertThat(Models.trainableParameterCount(block)).isEqualTo(expectedParameterCount());
    }
  }

  @Test
  void givesAFiniteNonZeroGradientWithRespectToTheInput() {
    ModelSpec spec = spec();
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      NDArray x = ModelFixture.pixels(manager, spec);

      NDArray grad = ModelFixture.inputGradient(block, manager, x);

      assertThat(grad.getShape()).isEqualTo(x.getShape());
      assertThat(grad.isNaN().any().getBoolean()).as("NaN in gradient").isFalse();
      assertThat(grad.isInfinite().any().getBoolean()).as("Inf in gradient").isFalse();
      assertThat(grad.abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void evalForwardIsDeterministicAndLeavesBatchNormStatisticsAlone() {
    ModelSpec spec = spec();
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      NDArray x = ModelFixture.pixels(manager, spec);
      float[] before = ModelFixture.runningStatistics(block);

      float[] first = ModelFixture.forward(block, manager, x, false).get(0).toFloatArray();
      float[] second = ModelFixture.forward(block, manager, x, false).get(0).toFloatArray();

      assertThat(second).isEqualTo(first);
      assertThat(ModelFixture.runningStatistics(block)).isEqualTo(before);
    }
  }

  @Test
  void trainingForwardUpdatesBatchNormStatistics() {
    ModelSpec spec = spec();
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierBlock block = ModelFixture.initialized(manager, spec);
      float[] before = ModelFixture.runningStatistics(block);

      ModelFixture.forward(block, manager, ModelFixture.pixels(manager, spec), true);

      assertThat(ModelFixture.runningStatistics(block)).isNotEqualTo(before);
    }
  }
}
