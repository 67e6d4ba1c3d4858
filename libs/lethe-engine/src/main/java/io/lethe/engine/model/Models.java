package io.lethe.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.lethe.format.model.ModelSpec;
import java.util.Objects;

/** Builds and initialises the classifier for a {@link ModelSpec}. */
public final class Models {
  private Models() {}

  /** An uninitialised classifier for {@code spec}; see {@link #initialize}. */
  public static ClassifierBlock build(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    boolean small = spec.smallInputStem();
    return switch (spec.architecture()) {
      case SMALL_CNN -> classifier(spec, SmallCnn.features(), SmallCnn.EMBEDDING);
      case RESNET18 -> classifier(spec, ResNet18.features(small), ResNet18.EMBEDDING);
      case DENSENET121 -> classifier(spec, DenseNet121.features(small), DenseNet121.EMBEDDING);
      case EFFICIENTNET_B0 ->
          classifier(spec, EfficientNetB0.features(small), EfficientNetB0.EMBEDDING);
      case TORCHSCRIPT ->
          throw new IllegalArgumentException(
              "a torchscript model is not built from an architecture: import a TorchScript"
                  + " module with its descriptor instead (TorchScriptClassifiers.load)");
    };
  }

  private static ClassifierBlock classifier(ModelSpec spec, Block features, int embedding) {
    return new ClassifierBlock(spec.normalization(), features, embedding, spec.numOutputs());
  }

  /**
   * Initialises {@code block} for inputs of {@code spec}'s shape with He (Kaiming) normal weights
   * (Gaussian, fan-in, magnitude 2: std = sqrt(2 / fan_in)), which suits ReLU/SiLU networks; biases
   * and BN beta start at 0, BN gamma at 1. Seeds the engine's global RNG first, so the same seed
   * gives the same parameters.
   */
  public static void initialize(
      ClassifierBlock block, NDManager manager, ModelSpec spec, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    block.setInitializer(
        new XavierInitializer(
            XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2f),
        Parameter.Type.WEIGHT);
    block.initialize(manager, DataType.FLOAT32, inputShape(spec, 1));
  }

  /** The (batch, C, side, side) input shape of {@code spec}. */
  public static Shape inputShape(ModelSpec spec, long batch) {
    return new Shape(batch, spec.channels(), spec.side(), spec.side());
  }

  /**
   * Number of trainable scalars, as PyTorch's {@code sum(p.numel() for p in parameters())}: BN
   * running statistics are buffers there and are not counted.
   */
  public static long trainableParameterCount(Block block) {
    long n = 0;
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        n += p.getArray().size();
      }
    }
    return n;
  }
}
