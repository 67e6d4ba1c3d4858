package io.lethe.engine.unlearn.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;
import java.util.Arrays;

/**
 * Bad Teaching (Chundawat et al., "Can Bad Teaching Induce Forgetting?", AAAI 2023). The model is a
 * student of two frozen teachers: the competent one (a copy of the original) on retain samples and
 * an incompetent one (the same architecture, randomly initialised) on forget samples. Forget
 * samples and a random share of the retain set are shuffled together; each step minimises the mean
 * KL(teacher ‖ student) with each sample's teacher, at the configured temperature. Teachers run in
 * eval mode outside the gradient collector; the student in training mode.
 */
public final class BadTeaching extends GuardedBaseline<BadTeachingConfig> {
  public static final String NAME = "bad-teaching";

  public BadTeaching(BadTeachingConfig config) {
    super(NAME, config);
  }

  @Override
  protected UnlearningOutcome run(
      Classifier model, UnlearningData data, ProgressListener progress, UtilityGuard guard) {
    TrainingSettings t = config.training();
    int retainCount = Math.max(1, (int) Math.round(config.retainFraction() * data.retain().length));
    int[] retainSubset =
        Arrays.copyOf(Indices.shuffled(data.retain(), t.seed() * 104_729L + 5), retainCount);
    int forgetCount = data.forget().length;
    // Positions < forgetCount in `pool` are forget samples; the order shuffles positions.
    int[] pool = new int[forgetCount + retainCount];
    System.arraycopy(data.forget(), 0, pool, 0, forgetCount);
    System.arraycopy(retainSubset, 0, pool, forgetCount, retainCount);
    int[] positions = new int[pool.length];
    Arrays.setAll(positions, i -> i);
    int batchSize = Math.min(t.batchSize(), pool.length);
    int batchesPerEpoch = pool.length / batchSize;

    model.requireBuildable(NAME + " (its incompetent teacher is a randomly initialised network)");
    ImageBatches batches = new ImageBatches(data.dataset());
    Distillation kl = new Distillation(model.labels(), config.temperature());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    RunAccount account =
        new RunAccount(NAME, data, progress, (long) batchesPerEpoch * t.epochs(), guard);
    try (Classifier competent = model.copy();
        Classifier incompetent =
            Classifier.create(model.spec(), model.labels(), t.seed() * 31 + 17, model.device());
        ParameterUpdater updater = new ParameterUpdater(model, t)) {
      competent.freezeTrainableParameters(true);
      incompetent.freezeTrainableParameters(true);
      epochs:
      for (int epoch = 0; epoch < t.epochs(); epoch++) {
        int[] order = Indices.shuffled(positions, t.seed() * 1_000_003L + epoch);
        for (int b = 0; b < batchesPerEpoch; b++) {
          int[] samples = new int[batchSize];
          float[] isForget = new float[batchSize];
          int forgetInBatch = 0;
          for (int i = 0; i < batchSize; i++) {
            int position = order[b * batchSize + i];
            samples[i] = pool[position];
            if (position < forgetCount) {
              isForget[i] = 1f;
              forgetInBatch++;
            }
          }
          double value;
          try (NDManager batch = updater.newBatchManager()) {
            NDArray x = batches.images(batch, samples, 0, batchSize);
            NDArray forgetMask = batch.create(isForget, new Shape(batchSize, 1));
            NDArray retainMask = batch.ones(forgetMask.getShape()).sub(forgetMask);
            NDArray target =
                competent
                    .predict(x)
                    .get(0)
                    .mul(retainMask)
                    .add(incompetent.predict(x).get(0).mul(forgetMask));
            value =
                updater.minimise(() -> kl.mean(model.forward(parameters, x, true).get(0), target));
          }
          if (!account.steppedGoingOn(value, batchSize - forgetInBatch, forgetInBatch, updater)) {
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
