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
 * NegGrad: gradient <em>ascent</em> on the forget samples' loss, pushing the model away from what
 * it learnt from them.
 *
 * <p>Plain NegGrad (the default, {@code retainWeight} 0) iterates the forget set {@code epochs}
 * times and minimises −CE(forget). NegGrad+ ({@code retainWeight} α &gt; 0, Kurmanji et al.)
 * iterates the retain set {@code epochs} times, pairs each retain batch with the next forget batch
 * (the forget set is cycled) and minimises α·CE(retain) − (1 − α)·CE(forget), so the ascent does
 * not take utility down with it. Every forward is in training mode.
 */
public final class NegGrad extends GuardedBaseline<NegGradConfig> {
  public static final String NAME = "neggrad";

  public NegGrad(NegGradConfig config) {
    super(NAME, config);
  }

  @Override
  protected UnlearningOutcome run(
      Classifier model, UnlearningData data, ProgressListener progress, UtilityGuard guard) {
    TrainingSettings t = config.training();
    int[] driver = config.combined() ? data.retain() : data.forget();
    int batchSize = Math.min(t.batchSize(), driver.length);
    int batchesPerEpoch = driver.length / batchSize;
    int forgetBatch = Math.min(t.batchSize(), data.forget().length);
    ImageBatches batches = new ImageBatches(data.dataset());
    TaskLoss loss = TaskLoss.of(model.labels());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    BatchCursor forget = new BatchCursor(data.forget(), t.seed() * 7919L + 1);
    RunAccount account =
        new RunAccount(NAME, data, progress, (long) batchesPerEpoch * t.epochs(), guard);
    try (ParameterUpdater updater = new ParameterUpdater(model, t)) {
      epochs:
      for (int epoch = 0; epoch < t.epochs(); epoch++) {
        int[] order = Indices.shuffled(driver, t.seed() * 1_000_003L + epoch);
        for (int b = 0; b < batchesPerEpoch; b++) {
          int from = b * batchSize;
          double value;
          try (NDManager batch = updater.newBatchManager()) {
            if (!config.combined()) {
              NDArray x = batches.images(batch, order, from, from + batchSize);
              NDArray y = batches.labels(batch, order, from, from + batchSize);
              value = updater.minimise(() -> loss.mean(logits(model, parameters, x), y).neg());
            } else {
              NDArray xr = batches.images(batch, order, from, from + batchSize);
              NDArray yr = batches.labels(batch, order, from, from + batchSize);
              int[] f = forget.next(forgetBatch);
              NDArray xf = batches.images(batch, f, 0, f.length);
              NDArray yf = batches.labels(batch, f, 0, f.length);
              value =
                  updater.minimise(
                      () -> {
                        NDArray retainLoss = loss.mean(logits(model, parameters, xr), yr);
                        NDArray forgetLoss = loss.mean(logits(model, parameters, xf), yf);
                        NDArray a = Scalars.like(retainLoss, config.retainWeight());
                        NDArray rest = Scalars.like(retainLoss, 1 - config.retainWeight());
                        return retainLoss.mul(a).sub(forgetLoss.mul(rest));
                      });
            }
          }
          boolean goOn =
              config.combined()
                  ? account.steppedGoingOn(value, batchSize, forgetBatch, updater)
                  : account.steppedGoingOn(value, 0, batchSize, updater);
          if (!goOn) {
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

  private static NDArray logits(Classifier model, ParameterStore parameters, NDArray x) {
    return model.forward(parameters, x, true).get(0);
  }
}
