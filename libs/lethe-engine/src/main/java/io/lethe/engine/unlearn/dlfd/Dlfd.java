package io.lethe.engine.unlearn.dlfd;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.Optimizers;
import io.lethe.engine.training.OwnedTrainer;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.training.TrainingSteps;
import io.lethe.engine.unlearn.ForgettingScoreMonitor;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Distribution-Level Feature Distancing (Choi &amp; Na, 2024), as the paper describes it.
 *
 * <p>For each retain batch, paired with a forget batch (the forget set is cycled): while the
 * forgetting score is at or above the threshold, the retain images are perturbed by {@link
 * FeatureDistancingPerturbation} and the model takes one SGD step on (x*, y) in training mode;
 * below it ("dynamic forgetting") the step is on the clean batch. The score is re-estimated every K
 * batches by a {@link ForgettingScoreMonitor}; {@link DynamicForgettingSwitch} turns readings into
 * the perturb / clean decision (the paper's single threshold unless a resume margin is set). There
 * is no checkpoint selection: the model after the last batch is the result, so the test set is
 * never consulted.
 */
public final class Dlfd implements UnlearningMethod {
  public static final String NAME = "dlfd";
  public static final String STAGE = "dlfd";

  private final DlfdConfig config;

  public Dlfd(DlfdConfig config) {
    this.config = config;
  }

  /** Train-mode forwards over clean retain batches: only BatchNorm running statistics change. */
  private void recalibrateBatchNorm(
      Classifier model, ImageBatches batches, int[] retain, int batchSize) {
    int n = Math.min(config.batchNormRecalibrationBatches(), retain.length / batchSize);
    if (n == 0) {
      return;
    }
    int[] order = Indices.shuffled(retain, config.seed() * 104_729L + 3);
    ParameterStore parameters = new ParameterStore(model.manager(), false);
    for (int b = 0; b < n; b++) {
      try (NDManager batch = model.manager().newSubManager()) {
        model.forward(
            parameters, batches.images(batch, order, b * batchSize, (b + 1) * batchSize), true);
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Object> hyperparameters() {
    return config.describe();
  }

  @Override
  public UnlearningOutcome unlearn(
      Classifier model, UnlearningData data, ProgressListener progress) {
    long guardStart = System.nanoTime();
    try (UtilityGuard guard = new UtilityGuard(model, data, config.utilityGuard(), config.seed())) {
      double guardSetup = (System.nanoTime() - guardStart) / 1e9;
      return run(model, guard.trainingData(), progress, guard, guardSetup);
    }
  }

  private UnlearningOutcome run(
      Classifier model,
      UnlearningData data,
      ProgressListener progress,
      UtilityGuard guard,
      double guardSetup) {
    int batchSize = Math.min(config.batchSize(), data.retain().length);
    int forgetBatch = Math.min(batchSize, data.forget().length);
    int batchesPerEpoch = data.retain().length / batchSize;
    long total = (long) batchesPerEpoch * config.epochs();
    guard.expectSteps(total);
    ImageBatches batches = new ImageBatches(data.dataset());
    TaskLoss loss = TaskLoss.of(model.labels());
    ForgettingScoreMonitor monitor =
        new ForgettingScoreMonitor(
            model, data, config.scoreSampleSize(), config.scoreSplits(), config.seed());
    FeatureDistancingPerturbation perturbation = new FeatureDistancingPerturbation(model, config);

    PhaseClock monitorClock = new PhaseClock();
    PhaseClock perturbationClock = new PhaseClock();
    // Without dynamic forgetting the monitor steers nothing: its readings are diagnostics for the
    // caller, so the first is taken before the clock starts and none is taken between batches.
    boolean steering = config.dynamicForgetting();
    double initialScore;
    long start;
    if (steering) {
      start = System.nanoTime();
      initialScore = monitorClock.timeScore(monitor::estimate);
    } else {
      initialScore = monitor.estimate();
      start = System.nanoTime();
    }
    DynamicForgettingSwitch forgetting =
        new DynamicForgettingSwitch(
            config.effectiveThreshold(initialScore),
            config.effectiveResumeMargin(initialScore),
            initialScore);
    double score = initialScore;
    long perturbed = 0;
    long forgetSamplesUsed = 0;
    DefaultTrainingConfig trainingConfig =
        new DefaultTrainingConfig(loss)
            .optDevices(new Device[] {model.device()})
            .optOptimizer(
                Optimizers.sgd(
                    config.learningRate(), config.momentum(), config.weightDecay(), false, 1));
    progress.stageStarted(STAGE, total);
    long steps;
    try (OwnedTrainer owned = new OwnedTrainer(model, trainingConfig)) {
      Trainer trainer = owned.trainer();
      long k = 0;
      long lastEstimateAt = 0;
      int[] forgetOrder = Indices.shuffled(data.forget(), config.seed() * 7919L + 1);
      int forgetCursor = 0;
      epochs:
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        int[] retainOrder = Indices.shuffled(data.retain(), config.seed() * 1_000_003L + epoch);
        for (int b = 0; b < batchesPerEpoch; b++, k++) {
          boolean perturb = !config.dynamicForgetting() || forgetting.perturbing();
          double stepLoss;
          try (NDManager batch = model.manager().newSubManager()) {
            int from = b * batchSize;
            NDArray x = batches.images(batch, retainOrder, from, from + batchSize);
            NDArray y = batches.labels(batch, retainOrder, from, from + batchSize);
            if (perturb) {
              if (forgetCursor + forgetBatch > forgetOrder.length) {
                forgetOrder = Indices.shuffled(data.forget(), config.seed() * 7919L + k + 2);
                forgetCursor = 0;
              }
              NDArray forget =
                  batches.images(batch, forgetOrder, forgetCursor, forgetCursor + forgetBatch);
              forgetCursor += forgetBatch;
              forgetSamplesUsed += forgetBatch;
              NDArray clean = x;
              double lambda = config.lambdaAt(k, total);
              x = perturbationClock.time(() -> perturbation.perturb(clean, y, forget, lambda));
              perturbed++;
            }
            stepLoss = TrainingSteps.sgdStep(trainer, loss, x, y);
          }
          if (steering && k + 1 < total) {
            int cadence =
                forgetting.perturbing()
                    ? config.scoreEvery()
                    : config.cleanPhaseInterval(batchesPerEpoch);
            if (k + 1 - lastEstimateAt >= cadence) {
              score = monitorClock.timeScore(monitor::estimate);
              forgetting.update(score);
              lastEstimateAt = k + 1;
            }
          }
          progress.stepCompleted(new ProgressEvent(STAGE, k + 1, total, stepLoss, score, perturb));
          UtilityGuard.Decision decision = guard.afterStep(k + 1);
          if (decision == UtilityGuard.Decision.BRAKE) {
            perturbation.setStepScale(guard.scale());
          } else if (decision == UtilityGuard.Decision.STOP) {
            k++;
            break epochs;
          }
        }
      }
      steps = k;
      recalibrateBatchNorm(model, batches, data.retain(), batchSize);
      guard.finish();
    } finally {
      progress.stageFinished(STAGE);
    }
    double seconds = (System.nanoTime() - start) / 1e9 + guardSetup;
    // A diagnostic for the caller, not part of the unlearning, so outside its wall time.
    double finalScore = monitor.estimate();
    return new UnlearningOutcome(
        NAME,
        seconds,
        steps,
        (double) steps * batchSize / data.retain().length,
        (double) forgetSamplesUsed / data.forget().length,
        perturbed,
        initialScore,
        finalScore,
        monitorClock.seconds(),
        monitorClock.count(),
        perturbationClock.seconds(),
        guard.report());
  }

  /** Accumulates the wall time of one phase of the run, so the outcome can say where time went. */
  private static final class PhaseClock {
    private long nanos;
    private long count;

    double timeScore(DoubleSupplier phase) {
      long t0 = System.nanoTime();
      count++;
      try {
        return phase.getAsDouble();
      } finally {
        nanos += System.nanoTime() - t0;
      }
    }

    <T> T time(Supplier<T> phase) {
      long t0 = System.nanoTime();
      count++;
      try {
        return phase.get();
      } finally {
        nanos += System.nanoTime() - t0;
      }
    }

    double seconds() {
      return nanos / 1e9;
    }

    /** Phases timed so far. */
    long count() {
      return count;
    }
  }
}
