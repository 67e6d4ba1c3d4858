package io.lethe.engine.model;

import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;

/** ResNet-18 with the DLFD head, small stem, CIFAR-shaped input. */
class ResNet18Test extends ArchitectureContract {
  /** torchvision resnet18: 11,689,512 parameters minus its 512·1000+1000 classifier. */
  static final long TORCHVISION_BACKBONE = 11_689_512L - 513_000L;

  @Override
  ModelSpec spec() {
    return ModelSpec.of(Architecture.RESNET18, 3, 32, 10, Normalization.imagenet());
  }

  @Override
  int expectedEmbeddingSize() {
    return 128;
  }

  @Override
  long expectedParameterCount() {
    long smallStem = -7 * 7 * 3 * 64 + 3 * 3 * 3 * 64;
    long head = 512 * 256 + 256 + 256 * 128 + 128;
    long classifier = 128 * 10 + 10;
    return TORCHVISION_BACKBONE + smallStem + head + classifier;
  }
}
