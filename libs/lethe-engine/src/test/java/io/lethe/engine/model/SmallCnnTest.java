package io.lethe.engine.model;

import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;

/** The small CNN on Fashion-MNIST-shaped input (1×28×28). */
class SmallCnnTest extends ArchitectureContract {
  @Override
  ModelSpec spec() {
    return ModelSpec.of(
        Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.286f, 0.353f));
  }

  @Override
  int expectedEmbeddingSize() {
    return 128;
  }

  @Override
  long expectedParameterCount() {
    long conv1 = 3 * 3 * 32 + 2 * 32; // bias-free conv + BN gamma/beta
    long conv2 = 3 * 3 * 32 * 64 + 2 * 64;
    long hidden = 64 * 7 * 7 * 128 + 128;
    long classifier = 128 * 10 + 10;
    return conv1 + conv2 + hidden + classifier;
  }
}
