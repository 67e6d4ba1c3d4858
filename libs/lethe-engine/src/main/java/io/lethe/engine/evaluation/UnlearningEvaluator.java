package io.lethe.engine.evaluation;

import io.lethe.engine.metrics.AttackFeature;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.LabelledLoss;
import io.lethe.engine.metrics.MembershipInferenceAttack;
import io.lethe.engine.metrics.MiaResult;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Measures a model the way the DLFD paper reports it: test accuracy and top-2 (utility), and the
 * membership-inference attack on forget vs unseen losses (forgetting), from which the forgetting
 * score and NoMUS follow. Runs the same attack on the other {@link
 * io.lethe.engine.metrics.AttackFeature}s too, on the same balanced samples and splits. Keeps every
 * per-sample loss so anyone can re-check the loss attack.
 */
public final class UnlearningEvaluator {
  /**
   * How often every attack runs: once with the evaluation's seed (the reported accuracy, as MUFAC
   * computes it) and four more times with derived seeds, for the spread of its mean over other
   * balanced subsamples and splits ({@link MiaResult#seedStd()}, part of {@link
   * MiaResult#noise()}).
   */
  public static final int ATTACK_SEED_REPEATS = 5;

  private final Predictor predictor;
  private final Predictor attackPredictor;
  private final MembershipInferenceAttack attack;

  public UnlearningEvaluator(int batchSize, long seed) {
    this.predictor = new Predictor(batchSize);
    this.attackPredictor = new Predictor(batchSize, EnumSet.allOf(AttackFeature.class));
    this.attack =
        MembershipInferenceAttack.builder()
            .optSeed(seed)
            .optSeedRepeats(ATTACK_SEED_REPEATS)
            .build();
  }

  /**
   * The report and the per-sample losses behind it.
   *
   * @param forgetAccuracy top-1 accuracy on the forget set: with {@code unseenAccuracy}, the
   *     diagnostic of how much the model memorised (a model that fits its training data but not
   *     unseen data gives the loss attack something to find)
   * @param unseenAccuracy top-1 accuracy on the unseen set
   */
  public record Evaluation(
      EvaluationReport report,
      List<LabelledLoss> losses,
      double forgetAccuracy,
      double unseenAccuracy) {}

  public Evaluation evaluate(
      Classifier model,
      ImageDataset dataset,
      int[] test,
      int[] forget,
      int[] unseen,
      ProgressListener progress) {
    Predictions onTest = predictor.predict(model, dataset, test, progress);
    Predictions onForget = attackPredictor.predict(model, dataset, forget, progress);
    Predictions onUnseen = attackPredictor.predict(model, dataset, unseen, progress);
    Map<String, MiaResult> attacks =
        attack.evaluate(onForget.attackInputs(), onUnseen.attackInputs());
    EvaluationReport report =
        new EvaluationReport(
            onTest.accuracy(),
            Math.max(onTest.accuracy(), onTest.top2Accuracy()),
            attacks.get(EvaluationReport.LOSS_ATTACK),
            attacks);
    List<LabelledLoss> losses = new ArrayList<>();
    addLosses(losses, dataset, onForget, LabelledLoss.FORGET);
    addLosses(losses, dataset, onUnseen, LabelledLoss.UNSEEN);
    addLosses(losses, dataset, onTest, LabelledLoss.TEST);
    return new Evaluation(report, losses, onForget.accuracy(), onUnseen.accuracy());
  }

  private static void addLosses(
      List<LabelledLoss> out, ImageDataset dataset, Predictions p, String group) {
    for (int i = 0; i < p.size(); i++) {
      Sample s = dataset.sample(p.indices()[i]);
      out.add(new LabelledLoss(s.sampleId(), s.subjectId(), group, p.losses()[i]));
    }
  }
}
