package io.lethe.engine.model;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * torchvision's ResNet-18 (BasicBlock, [2,2,2,2], widths 64-128-256-512) followed by the DLFD
 * paper's head 512→256→128 (ReLU, Dropout 0.5).
 *
 * <p>DJL's {@code ResNetV1} builder with 18 layers is a different (bottleneck) network, so the
 * stages are composed here. Its {@code residualUnit(..., bottleneck=false, ...)} is exactly
 * torchvision's BasicBlock (3x3 conv-BN-ReLU-3x3 conv-BN, 1x1 conv-BN projection shortcut when the
 * shape changes, ReLU after the sum) and is reused. Unlike DJL's own builder, the first block of
 * stage 1 keeps an identity shortcut, as in torchvision.
 */
final class ResNet18 {
  static final int EMBEDDING = 128;
  static final int BACKBONE_WIDTH = 512;
  private static final int[] WIDTHS = {64, 128, 256, 512};
  private static final int BLOCKS_PER_STAGE = 2;

  private ResNet18() {}

  static SequentialBlock features(boolean smallInputStem) {
    return new SequentialBlock()
        .add(backbone(smallInputStem))
        .add(Linear.builder().setUnits(256).build())
        .add(Layers.relu())
        .add(Dropout.builder().optRate(0.5f).build())
        .add(Linear.builder().setUnits(EMBEDDING).build())
        .add(Layers.relu())
        .add(Dropout.builder().optRate(0.5f).build());
  }

  /** Stem, four stages and global average pooling: (N, C, H, W) → (N, 512). */
  static SequentialBlock backbone(boolean smallInputStem) {
    SequentialBlock net = new SequentialBlock().add(Stems.stem(WIDTHS[0], smallInputStem));
    int in = WIDTHS[0];
    for (int stage = 0; stage < WIDTHS.length; stage++) {
      int width = WIDTHS[stage];
      int stride = stage == 0 ? 1 : 2;
      net.add(basicBlock(width, stride, in == width && stride == 1));
      for (int i = 1; i < BLOCKS_PER_STAGE; i++) {
        net.add(basicBlock(width, 1, true));
      }
      in = width;
    }
    return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
  }

  private static Block basicBlock(int width, int stride, boolean identityShortcut) {
    return ResNetV1.residualUnit(
        width, new Shape(stride, stride), identityShortcut, false, Layers.BN_MOMENTUM);
  }
}
