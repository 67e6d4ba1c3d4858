package io.lethe.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.lethe.format.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** Shared steps of the model tests: build, initialise, forward, input gradient. */
final class ModelFixture {
  static final int SEED = 42;
  static final int BATCH = 2;

  private ModelFixture() {}

  static ClassifierBlock initialized(NDManager manager, ModelSpec spec) {
    ClassifierBlock block = Models.build(spec);
    Models.initialize(block, manager, spec, SEED);
    return block;
  }

  /** A batch of pixels in [0,1]. */
  static NDArray pixels(NDManager manager, ModelSpec spec) {
    return manager.randomUniform(0f, 1f, Models.inputShape(spec, BATCH));
  }

  static NDList forward(ClassifierBlock block, NDManager manager, NDArray x, boolean training) {
    return block.forward(new ParameterStore(manager, false), new NDList(x), training);
  }

  /** d(sum of logits)/dx for a training-mode forward, as the unlearning algorithm computes it. */
  static NDArray inputGradient(ClassifierBlock block, NDManager manager, NDArray x) {
    x.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList out = forward(block, manager, x, true);
      collector.backward(out.get(0).sum());
    }
    return x.getGradient();
  }

  /** All BatchNorm running means and variances, concatenated in parameter order. */
  static float[] runningStatistics(ClassifierBlock block) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (Parameter p : block.getParameters().values()) {
      if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
        float[] v = p.getArray().toFloatArray();
        parts.add(v);
        n += v.length;
      }
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] v : parts) {
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }
}
