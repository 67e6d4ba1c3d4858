package io.lethe.engine.model;

import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;

/** EfficientNet-B0, small (stride-1) stem, CIFAR-shaped input. */
class EfficientNetB0Test extends ArchitectureContract {
  /** torchvision efficientnet_b0: 5,288,548 parameters minus its 1280·1000+1000 classifier. */
  static final long TORCHVISION_FEATURES = 5_288_548L - 1_281_000L;

  @Override
  ModelSpec spec() {
    return ModelSpec.of(Architecture.EFFICIENTNET_B0, 3, 32, 10, Normalization.imagenet());
  }

  @Override
  int expectedEmbeddingSize() {
    return 1280;
  }

  @Override
  long expectedParameterCount() {
    // The small stem only changes the stride, not the weights.
    return TORCHVISION_FEATURES + 1280 * 10 + 10;
  }
}
