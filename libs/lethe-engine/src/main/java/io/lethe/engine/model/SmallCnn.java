package io.lethe.engine.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * Two conv-BN-ReLU-maxpool stages and a 128-unit hidden layer: enough for Fashion-MNIST, and fast
 * enough on a CPU for tests and demos.
 */
final class SmallCnn {
  static final int EMBEDDING = 128;

  private SmallCnn() {}

  static SequentialBlock features() {
    return new SequentialBlock()
        .add(stage(32))
        .add(stage(64))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(EMBEDDING).build())
        .add(Layers.relu())
        .add(Dropout.builder().optRate(0.3f).build());
  }

  private static SequentialBlock stage(int filters) {
    return new SequentialBlock()
        .add(Layers.conv(filters, 3, 1))
        .add(Layers.batchNorm())
        .add(Layers.relu())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
  }
}
