package io.lethe.engine.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * The ImageNet stem (7x7 stride-2 conv, BN, ReLU, 3x3 stride-2 max-pool) or, for small inputs such
 * as 32x32, a 3x3 stride-1 conv without pooling so the feature maps do not shrink to 1x1.
 */
final class Stems {
  private Stems() {}

  static SequentialBlock stem(int filters, boolean small) {
    if (small) {
      return new SequentialBlock()
          .add(Layers.conv(filters, 3, 1))
          .add(Layers.batchNorm())
          .add(Layers.relu());
    }
    return new SequentialBlock()
        .add(Layers.conv(filters, 7, 2))
        .add(Layers.batchNorm())
        .add(Layers.relu())
        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
  }
}
