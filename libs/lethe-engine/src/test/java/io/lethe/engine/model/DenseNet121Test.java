package io.lethe.engine.model;

import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;

/** DenseNet-121, small stem, CIFAR-shaped input. */
class DenseNet121Test extends ArchitectureContract {
  /** torchvision densenet121: 7,978,856 parameters minus its 1024·1000+1000 classifier. */
  static final long TORCHVISION_FEATURES = 7_978_856L - 1_025_000L;

  @Override
  ModelSpec spec() {
    return ModelSpec.of(Architecture.DENSENET121, 3, 32, 10, Normalization.imagenet());
  }

  @Override
  int expectedEmbeddingSize() {
    return 1024;
  }

  @Override
  long expectedParameterCount() {
    long smallStem = -7 * 7 * 3 * 64 + 3 * 3 * 3 * 64;
    return TORCHVISION_FEATURES + smallStem + 1024 * 10 + 10;
  }
}
