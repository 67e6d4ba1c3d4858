package io.lethe.engine.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import io.lethe.engine.model.Classifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A DJL {@link Trainer} that, when closed, also frees the optimiser state DJL leaves behind.
 *
 * <p>Why: DJL's SGD allocates its momentum buffers with {@code weight.zerosLike()}, so they belong
 * to the model's manager, not to the trainer's, and outlive the trainer: every training run on the
 * same model would leave one buffer per parameter behind. A service that unlearns many requests
 * must not grow like that. On close, every array that appeared in the model's manager during the
 * run and is not a parameter is closed.
 *
 * <p>The config must train on exactly the classifier's device ({@code
 * DefaultTrainingConfig.optDevices}): DJL's default is every GPU the engine sees, which would copy
 * a CPU model's parameters to the GPUs, or split a GPU model's batches across all of them.
 */
public final class OwnedTrainer implements AutoCloseable {
  private final NDManager modelManager;
  private final Set<String> before = new HashSet<>();
  private final Trainer trainer;

  public OwnedTrainer(Classifier classifier, TrainingConfig config) {
    Device[] devices = config.getDevices();
    if (devices.length != 1 || !devices[0].equals(classifier.device())) {
      throw new IllegalArgumentException(
          "the training config's devices "
              + Arrays.toString(devices)
              + " must be exactly the model's device "
              + classifier.device());
    }
    this.modelManager = classifier.manager();
    for (NDArray a : modelManager.getManagedArrays()) {
      before.add(a.getUid());
    }
    this.trainer = classifier.model().newTrainer(config);
  }

  public Trainer trainer() {
    return trainer;
  }

  @Override
  public void close() {
    trainer.close();
    for (NDArray a : modelManager.getManagedArrays()) {
      if (!before.contains(a.getUid())) {
        a.close();
      }
    }
  }
}
