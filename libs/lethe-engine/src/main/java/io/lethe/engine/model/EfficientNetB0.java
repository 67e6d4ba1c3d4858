package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * torchvision's EfficientNet-B0: 32-filter stem, seven MBConv stages with squeeze-excitation
 * (squeeze width = a quarter of the block's input channels) and SiLU, a 1x1 conv to 1280, global
 * average pooling and Dropout 0.2 before the classifier; the embedding is the 1280-d pooled vector
 * (after the dropout, so the classifier sees exactly the embedding).
 *
 * <p>Stochastic depth (torchvision drops residual branches with probability up to 0.2) is left out:
 * it is a regulariser for long ImageNet training, and leaving it out keeps the training-mode
 * forward simpler; the parameter count is unaffected.
 */
final class EfficientNetB0 {
  static final int EMBEDDING = 1280;
  private static final int STEM = 32;

  /** expand ratio, kernel, stride, output channels, repeats. */
  private static final int[][] STAGES = {
    {1, 3, 1, 16, 1},
    {6, 3, 2, 24, 2},
    {6, 5, 2, 40, 2},
    {6, 3, 2, 80, 3},
    {6, 5, 1, 112, 3},
    {6, 5, 2, 192, 4},
    {6, 3, 1, 320, 1},
  };

  private EfficientNetB0() {}

  static SequentialBlock features(boolean smallInputStem) {
    SequentialBlock net =
        new SequentialBlock()
            .add(Layers.conv(STEM, 3, smallInputStem ? 1 : 2))
            .add(Layers.batchNorm())
            .add(Layers.silu());
    int in = STEM;
    for (int[] stage : STAGES) {
      int expand = stage[0];
      int kernel = stage[1];
      int out = stage[3];
      for (int i = 0; i < stage[4]; i++) {
        net.add(mbConv(in, out, expand, kernel, i == 0 ? stage[2] : 1));
        in = out;
      }
    }
    return net.add(Layers.conv(EMBEDDING, 1, 1))
        .add(Layers.batchNorm())
        .add(Layers.silu())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(0.2f).build());
  }

  private static Block mbConv(int in, int out, int expand, int kernel, int stride) {
    int expanded = in * expand;
    SequentialBlock body = new SequentialBlock();
    if (expand != 1) {
      body.add(Layers.conv(expanded, 1, 1)).add(Layers.batchNorm()).add(Layers.silu());
    }
    body.add(Layers.conv(expanded, kernel, stride, expanded))
        .add(Layers.batchNorm())
        .add(Layers.silu())
        .add(squeezeExcitation(expanded, Math.max(1, in / 4)))
        .add(Layers.conv(out, 1, 1))
        .add(Layers.batchNorm());
    if (stride == 1 && in == out) {
      return new ParallelBlock(EfficientNetB0::sum, List.of(Blocks.identityBlock(), body));
    }
    return body;
  }

  /**
   * Channel attention: global pool, FC to {@code squeeze}, SiLU, FC back, sigmoid, and rescale the
   * input channels. The FCs are Linear layers, the same parameters as torchvision's 1x1
   * convolutions on a 1x1 map.
   */
  private static Block squeezeExcitation(int channels, int squeeze) {
    SequentialBlock scale =
        new SequentialBlock()
            .add(Pool.globalAvgPool2dBlock())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(squeeze).build())
            .add(Layers.silu())
            .add(Linear.builder().setUnits(channels).build())
            .addSingleton(Activation::sigmoid);
    return new ParallelBlock(EfficientNetB0::rescale, List.of(Blocks.identityBlock(), scale));
  }

  private static NDList rescale(List<NDList> branches) {
    NDArray x = branches.get(0).head();
    NDArray s = branches.get(1).head();
    return new NDList(x.mul(s.reshape(s.getShape().get(0), s.getShape().get(1), 1, 1)));
  }

  private static NDList sum(List<NDList> branches) {
    return new NDList(branches.get(0).head().add(branches.get(1).head()));
  }
}
