package io.lethe.bench.unlearning;

import io.lethe.engine.evaluation.Predictions;
import io.lethe.engine.evaluation.Predictor;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.metrics.MembershipInferenceAttack;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.format.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Runs methods from the same original parameters and measures them. Every run starts from a fresh
 * copy of the original, so methods cannot influence each other. Unlearning methods only ever get
 * {@link TuningData#unlearningData()}; the reported test and unseen sets are read here, by the
 * final evaluation, and nowhere else.
 */
final class MethodRunner implements HyperparameterTuner.Trial {
  private static final int EVAL_BATCH = 256;
  private static final int PROBE_BATCHES = 10;
  private static final int PROBE_BATCH_SIZE = 32;

  private final ModelSpec spec;
  private final BenchmarkSplits splits;
  private final byte[] original;
  private final IntFunction<TrainingRecipe> recipes;
  private final ProgressListener progress;
  private final RetrainDistances retrainDistances = new RetrainDistances();
  private final boolean compareWithRetrain;

  MethodRunner(
      ModelSpec spec,
      BenchmarkSplits splits,
      byte[] original,
      IntFunction<TrainingRecipe> recipes,
      ProgressListener progress,
      boolean compareWithRetrain) {
    this.spec = spec;
    this.splits = splits;
    this.original = original.clone();
    this.recipes = recipes;
    this.progress = progress;
    this.compareWithRetrain = compareWithRetrain;
  }

  private Classifier freshOriginal() {
    return Classifier.fromParameters(spec, splits.dataset().labelSchema(), original);
  }

  @Override
  public TuningScore run(BenchMethod method, Map<String, Object> settings, TuningData data) {
    // Tuning uses the seed of no reported run, so its randomness is not the reported runs'.
    UnlearningMethod m = method.create(-1, settings);
    try (Classifier model = freshOriginal()) {
      m.unlearn(model, data.unlearningData(), progress);
      Predictor predictor = new Predictor(EVAL_BATCH);
      Predictions acc = predictor.predict(model, data.dataset(), data.accuracy(), progress);
      double[] members = predictor.predict(model, data.dataset(), data.forget()).losses();
      double[] nonMembers = predictor.predict(model, data.dataset(), data.nonMembers()).losses();
      if (!allFinite(members) || !allFinite(nonMembers) || !allFinite(acc.losses())) {
        return TuningScore.divergedRun();
      }
      double mia =
          MembershipInferenceAttack.builder()
              .optSeed(0)
              .build()
              .evaluate(members, nonMembers)
              .accuracy();
      return new TuningScore(acc.accuracy(), mia);
    }
  }

  /** Every measured model's outputs against Retrain's on the same seed (empty without Retrain). */
  List<RetrainDistances.Row> retrainDistances() {
    return retrainDistances.rows();
  }

  private void recordOutputs(String key, String label, SeedSplit split, Classifier model) {
    Predictor predictor = new Predictor(EVAL_BATCH);
    int[] retain =
        java.util.Arrays.copyOf(
            split.retain(), Math.min(split.retain().length, RetrainDistances.RETAIN_SAMPLES));
    retrainDistances.record(
        key,
        label,
        split.seed(),
        new RetrainDistances.Outputs(
            predictor.outputs(model, splits.dataset(), split.forget()),
            predictor.outputs(model, splits.dataset(), retain),
            predictor.outputs(model, splits.dataset(), splits.test())));
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** The original's accuracy on the tuning accuracy set (the tuner's margin is relative to it). */
  double originalTuningAccuracy(TuningData data) {
    try (Classifier model = freshOriginal()) {
      return new Predictor(EVAL_BATCH).predict(model, data.dataset(), data.accuracy()).accuracy();
    }
  }

  /** The original, measured on this seed's forget set. */
  MethodResult original(SeedSplit split, double trainSeconds, double trainPasses) {
    try (Classifier model = freshOriginal()) {
      return measure(
          MethodResult.ORIGINAL,
          "Original",
          split,
          model,
          trainSeconds,
          trainPasses,
          0,
          DynamicForgettingTrace.NONE,
          Map.of());
    }
  }

  /**
   * DLFD's Sinkhorn distance under the original, from retain batches to retain, forget and unseen
   * batches, on the logits and on the embedding (a diagnostic: no method reads it).
   */
  List<FeatureDistanceProbe.Distances> originalFeatureDistances(SeedSplit split) {
    FeatureDistanceProbe probe = new FeatureDistanceProbe(PROBE_BATCHES, PROBE_BATCH_SIZE);
    List<FeatureDistanceProbe.Distances> all = new ArrayList<>();
    try (Classifier model = freshOriginal()) {
      for (FeatureSource f : FeatureSource.values()) {
        all.add(
            probe.measure(
                model,
                splits.dataset(),
                f,
                split.retain(),
                split.forget(),
                splits.unseen(),
                split.seed()));
      }
    }
    return all;
  }

  /**
   * Retrains from scratch on the retain set, with the original's recipe; {@code recipes} gives it
   * for a seed, and the split's seed is used.
   */
  MethodResult retrain(BenchMethod method, SeedSplit split) {
    TrainingRecipe seeded = recipes.apply(split.seed());
    try (Classifier model = Classifier.create(spec, splits.dataset().labelSchema(), split.seed())) {
      SupervisedTrainer.TrainingSummary summary =
          new SupervisedTrainer(seeded).train(model, splits.dataset(), split.retain(), progress);
      return measure(
          method.key(),
          method.label(),
          split,
          model,
          summary.seconds(),
          seeded.epochs(),
          0,
          DynamicForgettingTrace.NONE,
          seeded.describe());
    }
  }

  /** Runs {@code method} with {@code settings} on this seed's forget request. */
  MethodResult unlearn(BenchMethod method, Map<String, Object> settings, SeedSplit split) {
    UnlearningMethod m = method.create(split.seed(), settings);
    try (Classifier model = freshOriginal()) {
      UnlearningOutcome outcome =
          m.unlearn(model, splits.tuningData(split).unlearningData(), progress);
      return measure(
          method.key(),
          method.label(),
          split,
          model,
          outcome.seconds(),
          outcome.retainPasses(),
          outcome.forgetPasses(),
          DynamicForgettingTrace.of(outcome),
          m.hyperparameters());
    }
  }

  private MethodResult measure(
      String key,
      String label,
      SeedSplit split,
      Classifier model,
      double seconds,
      double retainPasses,
      double forgetPasses,
      DynamicForgettingTrace dynamicForgetting,
      Map<String, Object> settings) {
    UnlearningEvaluator.Evaluation e;
    try {
      e =
          new UnlearningEvaluator(EVAL_BATCH, split.seed())
              .evaluate(
                  model,
                  splits.dataset(),
                  splits.test(),
                  split.forget(),
                  splits.unseen(),
                  ProgressListener.NONE);
    } catch (IllegalArgumentException notFinite) {
      throw new MethodDivergedException(
          label
              + " diverged on seed "
              + split.seed()
              + " with "
              + settings
              + ": "
              + notFinite.getMessage()
              + ". Give it a smaller learning rate with --set.",
          notFinite);
    }
    if (compareWithRetrain) {
      recordOutputs(key, label, split, model);
    }
    return new MethodResult(
        key,
        label,
        split.seed(),
        e.report(),
        e.forgetAccuracy(),
        e.unseenAccuracy(),
        seconds,
        retainPasses,
        forgetPasses,
        dynamicForgetting,
        settings,
        e.losses());
  }
}
