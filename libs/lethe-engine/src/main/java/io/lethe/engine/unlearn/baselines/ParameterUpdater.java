package io.lethe.engine.unlearn.baselines;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.lethe.engine.model.Classifier;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One optimiser step on an arbitrary objective, for the baselines whose losses are not a plain
 * {@code loss(model(x), y)}: ascent on the forget loss, distillation from a teacher, a forward that
 * keeps a frozen prefix in eval mode. It does what DJL's {@code Trainer.step()} does (update every
 * parameter that requires a gradient, close the gradient views, zero the gradients), without
 * forcing the forward through the trainer's parameter store.
 *
 * <p>Like {@link io.lethe.engine.training.OwnedTrainer}, closing it frees the optimiser state
 * (momentum, Adam moments) that DJL allocates in the model's manager, so repeated runs on one model
 * do not grow its memory.
 */
final class ParameterUpdater implements AutoCloseable {
  private final Classifier model;
  private final TrainingSettings settings;
  private Optimizer optimizer;
  private final Set<String> before = new HashSet<>();

  ParameterUpdater(Classifier model, Optimizer optimizer) {
    this(model, optimizer, null);
  }

  private ParameterUpdater(Classifier model, Optimizer optimizer, TrainingSettings settings) {
    this.model = model;
    this.optimizer = optimizer;
    this.settings = settings;
    for (NDArray a : model.manager().getManagedArrays()) {
      before.add(a.getUid());
    }
    // As DJL's Trainer does: parameters loaded from bytes do not yet record gradients.
    for (Parameter p : model.block().getParameters().values()) {
      if (p.requiresGradient()) {
        p.getArray().setRequiresGradient(true);
      }
    }
  }

  ParameterUpdater(Classifier model, TrainingSettings settings) {
    this(
        model,
        settings
            .optimizer()
            .build(settings.learningRate(), settings.momentum(), settings.weightDecay()),
        settings);
  }

  /**
   * Continues with the learning rate multiplied by {@code scale} (the utility guard's brake). The
   * optimiser is rebuilt, so its momentum / Adam moments start afresh: they were accumulated on the
   * trajectory the guard has just rolled back.
   */
  void scaleLearningRate(double scale) {
    if (settings == null) {
      throw new IllegalStateException("this updater was given an optimiser, not settings");
    }
    optimizer =
        settings
            .optimizer()
            .build(
                (float) (settings.learningRate() * scale),
                settings.momentum(),
                settings.weightDecay());
  }

  /**
   * Builds the objective (a scalar to minimise) inside a gradient collector, back-propagates it and
   * updates every trainable parameter once.
   *
   * @return the objective's value
   */
  double minimise(Supplier<NDArray> objective) {
    NDArray value;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      value = objective.get();
      collector.backward(value);
    }
    for (Parameter p : model.block().getParameters().values()) {
      if (!p.requiresGradient()) {
        continue;
      }
      NDArray weight = p.getArray();
      // getGradient() returns a fresh view in the model's manager: close it, or it accumulates.
      try (NDArray gradient = weight.getGradient()) {
        optimizer.update(p.getId(), weight, gradient);
        gradient.subi(gradient); // PyTorch accumulates gradients until they are zeroed
      }
    }
    return value.getFloat();
  }

  /** The manager the per-batch work should use: a sub-manager of the model's. */
  NDManager newBatchManager() {
    return model.manager().newSubManager();
  }

  @Override
  public void close() {
    for (NDArray a : model.manager().getManagedArrays()) {
      if (!before.contains(a.getUid())) {
        a.close();
      }
    }
  }
}
