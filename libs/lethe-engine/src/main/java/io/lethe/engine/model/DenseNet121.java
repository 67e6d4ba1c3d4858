package io.lethe.engine.model;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * torchvision's DenseNet-121: growth 32, dense blocks (6, 12, 24, 16), bottleneck width 4·growth,
 * compression 0.5 in the transitions, 64 initial features; the embedding is the 1024-d output of
 * the final BN-ReLU-global-average-pool.
 *
 * <p>A dense layer is a {@link ParallelBlock} of identity and BN-ReLU-1x1conv-BN-ReLU-3x3conv whose
 * outputs are concatenated on the channel axis, which is the dense connectivity.
 */
final class DenseNet121 {
  static final int EMBEDDING = 1024;
  private static final int GROWTH = 32;
  private static final int BN_SIZE = 4;
  private static final int INITIAL_FEATURES = 64;
  private static final int[] BLOCKS = {6, 12, 24, 16};

  private DenseNet121() {}

  static SequentialBlock features(boolean smallInputStem) {
    SequentialBlock net = new SequentialBlock().add(Stems.stem(INITIAL_FEATURES, smallInputStem));
    int channels = INITIAL_FEATURES;
    for (int b = 0; b < BLOCKS.length; b++) {
      for (int i = 0; i < BLOCKS[b]; i++) {
        net.add(denseLayer());
        channels += GROWTH;
      }
      if (b < BLOCKS.length - 1) {
        channels /= 2;
        net.add(transition(channels));
      }
    }
    if (channels != EMBEDDING) {
      throw new AssertionError("DenseNet-121 should end with 1024 channels, got " + channels);
    }
    return net.add(Layers.batchNorm())
        .add(Layers.relu())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock());
  }

  private static Block denseLayer() {
    SequentialBlock newFeatures =
        new SequentialBlock()
            .add(Layers.batchNorm())
            .add(Layers.relu())
            .add(Layers.conv(BN_SIZE * GROWTH, 1, 1))
            .add(Layers.batchNorm())
            .add(Layers.relu())
            .add(Layers.conv(GROWTH, 3, 1));
    return new ParallelBlock(
        DenseNet121::concatChannels, List.of(Blocks.identityBlock(), newFeatures));
  }

  private static NDList concatChannels(List<NDList> branches) {
    return new NDList(
        NDArrays.concat(new NDList(branches.get(0).head(), branches.get(1).head()), 1));
  }

  private static Block transition(int outChannels) {
    return new SequentialBlock()
        .add(Layers.batchNorm())
        .add(Layers.relu())
        .add(Layers.conv(outChannels, 1, 1))
        .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
  }
}
