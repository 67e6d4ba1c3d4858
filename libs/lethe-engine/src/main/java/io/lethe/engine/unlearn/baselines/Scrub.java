package io.lethe.engine.unlearn.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.tensor.Scalars;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;

/**
 * SCRUB (Kurmanji et al., "Towards Unbounded Machine Unlearning", NeurIPS 2023). The model is a
 * student of a frozen copy of itself (the teacher): each epoch first, while epoch &lt; maxSteps,
 * runs a "max" pass over the forget set minimising −KL(teacher ‖ student) (the student moves away
 * from the original on the forget samples), then a "min" pass over the retain set minimising γ·CE +
 * α·KL(teacher ‖ student) (it stays the original elsewhere). One optimiser serves both. The teacher
 * runs in eval mode outside the gradient collector; the student in training mode.
 */
public final class Scrub extends GuardedBaseline<ScrubConfig> {
  public static final String NAME = "scrub";

  public Scrub(ScrubConfig config) {
    super(NAME, config);
  }

  @Override
  protected UnlearningOutcome run(
      Classifier model, UnlearningData data, ProgressListener progress, UtilityGuard guard) {
    TrainingSettings t = config.training();
    int retainBatch = Math.min(t.batchSize(), data.retain().length);
    int retainBatches = data.retain().length / retainBatch;
    int forgetBatch = Math.min(config.forgetBatchSize(), data.forget().length);
    int forgetBatches = data.forget().length / forgetBatch;
    int maxEpochs = Math.min(config.maxSteps(), t.epochs());
    long total = (long) retainBatches * t.epochs() + (long) forgetBatches * maxEpochs;
    ImageBatches batches = new ImageBatches(data.dataset());
    TaskLoss loss = TaskLoss.of(model.labels());
    Distillation kl = new Distillation(model.labels(), config.temperature());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    RunAccount account = new RunAccount(NAME, data, progress, total, guard);
    try (Classifier teacher = model.copy();
        ParameterUpdater updater = new ParameterUpdater(model, t)) {
      teacher.freezeTrainableParameters(true);
      epochs:
      for (int epoch = 0; epoch < t.epochs(); epoch++) {
        if (epoch < maxEpochs) {
          int[] order = Indices.shuffled(data.forget(), t.seed() * 7919L + epoch);
          for (int b = 0; b < forgetBatches; b++) {
            int from = b * forgetBatch;
            double value;
            try (NDManager batch = updater.newBatchManager()) {
              NDArray x = batches.images(batch, order, from, from + forgetBatch);
              NDArray target = teacher.predict(x).get(0);
              value =
                  updater.minimise(
                      () -> kl.mean(model.forward(parameters, x, true).get(0), target).neg());
            }
            if (!account.steppedGoingOn(value, 0, forgetBatch, updater)) {
              break epochs;
            }
          }
        }
        int[] order = Indices.shuffled(data.retain(), t.seed() * 1_000_003L + epoch);
        for (int b = 0; b < retainBatches; b++) {
          int from = b * retainBatch;
          double value;
          try (NDManager batch = updater.newBatchManager()) {
            NDArray x = batches.images(batch, order, from, from + retainBatch);
            NDArray y = batches.labels(batch, order, from, from + retainBatch);
            NDArray target = teacher.predict(x).get(0);
            value =
                updater.minimise(
                    () -> {
                      NDArray logits = model.forward(parameters, x, true).get(0);
                      NDArray ce = loss.mean(logits, y);
                      NDArray distance = kl.mean(logits, target);
                      return ce.mul(Scalars.like(ce, config.gamma()))
                          .add(distance.mul(Scalars.like(distance, config.alpha())));
                    });
          }
          if (!account.steppedGoingOn(value, retainBatch, 0, updater)) {
            break epochs;
          }
        }
      }
      guard.finish();
    } finally {
      account.finished();
    }
    return account.outcome();
  }
}
