package io.lethe.engine.unlearn.baselines;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.Models;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.tensor.Scalars;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;
import io.lethe.format.model.Normalization;
import java.util.Random;

/**
 * UNSIR (Tarun et al., "Fast Yet Effective Machine Unlearning"): learn error-maximising noise for
 * what must be forgotten, impair the model by training on retain samples mixed with that noise at a
 * high learning rate, then repair it on the retain set.
 *
 * <p>UNSIR forgets classes: one noise tensor per forget class. For instance unlearning we follow
 * the DLFD paper's adaptation: one noise batch per forget batch, labelled with that batch's labels
 * and shaped (model frozen, eval mode) to maximise their cross-entropy minus a penalty on its norm.
 * Each impair step trains (training mode) on a retain batch concatenated with one noise batch; the
 * retain set is cycled. The forget images themselves are never read, only their labels, so the
 * outcome reports 0 forget passes.
 *
 * <p>The noise is shaped where the authors shape it: in the model's <em>normalised</em> input space
 * (their data loaders normalise, so their N(0, 1) initialisation and norm penalty are in units of
 * the per-channel std), and it is handed to our model, which normalises as its first op, as pixels
 * {@code mean + std·n}. Shaping it in raw pixel units instead starts it ~1/std ≈ 3× larger than an
 * image and weakens the penalty by std²; on Fashion-MNIST × ResNet-18 that variant collapsed the
 * model to chance accuracy at every impair learning rate tried (tools/bench/README.md).
 */
public final class Unsir extends GuardedBaseline<UnsirConfig> {
  public static final String NAME = "unsir";

  public Unsir(UnsirConfig config) {
    super(NAME, config);
  }

  @Override
  protected UnlearningOutcome run(
      Classifier model, UnlearningData data, ProgressListener progress, UtilityGuard guard) {
    TrainingSettings t = config.training();
    int noiseBatch = Math.min(t.batchSize(), data.forget().length);
    int noiseBatches = data.forget().length / noiseBatch;
    int retainBatch = Math.min(t.batchSize(), data.retain().length);
    RetainEpochs repair =
        config.repairEpochs() == 0 ? null : new RetainEpochs(data, config.repair());
    long total = (long) noiseBatches * t.epochs() + (repair == null ? 0 : repair.totalSteps());

    ImageBatches batches = new ImageBatches(data.dataset());
    TaskLoss loss = TaskLoss.of(model.labels());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    BatchCursor retain = new BatchCursor(data.retain(), t.seed() * 7919L + 3);
    Random noiseRandom = new Random(t.seed() * 31L + 11);
    RunAccount account = new RunAccount(NAME, data, progress, total, guard);
    // The impair pass is meant to lose utility: the guard watches the repair pass and the end.
    account.watched(false);
    try {
      try (ParameterUpdater updater = new ParameterUpdater(model, t)) {
        for (int epoch = 0; epoch < t.epochs(); epoch++) {
          int[] order = Indices.shuffled(data.forget(), t.seed() * 1_000_003L + epoch);
          for (int b = 0; b < noiseBatches; b++) {
            int from = b * noiseBatch;
            double value;
            try (NDManager batch = updater.newBatchManager()) {
              NDArray noiseLabels = batches.labels(batch, order, from, from + noiseBatch);
              NDArray noise = errorMaximisingNoise(model, batch, noiseLabels, noiseRandom);
              int[] r = retain.next(retainBatch);
              NDArray x = NDArrays.concat(new NDList(batches.images(batch, r, 0, r.length), noise));
              NDArray y =
                  NDArrays.concat(new NDList(batches.labels(batch, r, 0, r.length), noiseLabels));
              value =
                  updater.minimise(() -> loss.mean(model.forward(parameters, x, true).get(0), y));
            }
            account.stepped(value, retainBatch, 0);
          }
        }
      }
      if (repair != null) {
        account.watched(true);
        try (ParameterUpdater updater = new ParameterUpdater(model, config.repair())) {
          repair.run(model, updater, account, RetainEpochs.whole(model));
        }
      }
      guard.finish();
    } finally {
      account.finished();
    }
    return account.outcome();
  }

  /**
   * Noise images (in pixels) for {@code labels}: n maximises CE(model(mean + std·n), labels) −
   * w·mean‖n‖², with n in normalised units from N(0, 1), shaped by Adam with the model frozen;
   * owned by {@code batch}.
   */
  NDArray errorMaximisingNoise(Classifier model, NDManager batch, NDArray labels, Random random) {
    int n = (int) labels.getShape().get(0);
    var shape = Models.inputShape(model.spec(), n);
    Normalization normalization = model.spec().normalization();
    Shape perChannel = new Shape(1, normalization.channels(), 1, 1);
    NDArray mean = batch.create(normalization.mean(), perChannel);
    NDArray std = batch.create(normalization.std(), perChannel);
    float[] init = new float[(int) shape.size()];
    for (int i = 0; i < init.length; i++) {
      init[i] = (float) random.nextGaussian();
    }
    NDArray noise = batch.create(init, shape);
    Optimizer adam =
        Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.noiseLearningRate())).build();
    TaskLoss loss = TaskLoss.of(model.labels());
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    model.freezeTrainableParameters(true);
    try {
      for (int s = 0; s < config.noiseSteps(); s++) {
        try (NDManager step = batch.newSubManager()) {
          NDArray input = noise.duplicate();
          input.attach(step);
          input.setRequiresGradient(true);
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray pixels = input.mul(std).add(mean);
            NDArray ce = loss.mean(model.forward(parameters, pixels, false).get(0), labels);
            NDArray norm = input.square().sum(new int[] {1, 2, 3}).mean();
            NDArray objective =
                ce.neg().add(norm.mul(Scalars.like(norm, config.noiseNormWeight())));
            collector.backward(objective);
          }
          adam.update("unsir-noise", noise, input.getGradient());
        }
      }
    } finally {
      model.freezeTrainableParameters(false);
    }
    return noise.mul(std).add(mean).stopGradient();
  }
}
