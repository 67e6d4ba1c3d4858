package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Small building blocks shared by the architectures, with torchvision's defaults. */
final class Layers {
  /**
   * DJL's momentum weighs the old running statistic (running = m·running + (1-m)·batch): 0.9 here
   * is PyTorch's default momentum 0.1.
   */
  static final float BN_MOMENTUM = 0.9f;

  static final float BN_EPSILON = 1e-5f;

  private Layers() {}

  /** A bias-free convolution with "same" padding (torchvision convs before BatchNorm). */
  static Block conv(int filters, int kernel, int stride) {
    return conv(filters, kernel, stride, 1);
  }

  /** A bias-free grouped convolution with "same" padding (groups = channels: depthwise). */
  static Block conv(int filters, int kernel, int stride, int groups) {
    int pad = (kernel - 1) / 2;
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .setFilters(filters)
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(pad, pad))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  static Block batchNorm() {
    return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build();
  }

  static Block relu() {
    return Activation.reluBlock();
  }

  /**
   * SiLU / swish x·sigmoid(x). DJL's {@code Activation.swish} multiplies by a {@code Number}, which
   * breaks gradients inside a GradientCollector, so this multiplies two arrays.
   */
  static Block silu() {
    return LambdaBlock.singleton(Layers::silu, "silu");
  }

  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }
}
