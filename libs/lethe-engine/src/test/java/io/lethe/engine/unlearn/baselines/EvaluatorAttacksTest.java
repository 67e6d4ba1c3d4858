package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lethe.engine.evaluation.Predictions;
import io.lethe.engine.evaluation.Predictor;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.metrics.AttackFeature;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.LabelledLoss;
import io.lethe.engine.metrics.MembershipInferenceAttack;
import io.lethe.engine.metrics.PerSampleLossExport;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's attacks on the baseline fixture's trained original (here because the fixture is):
 * every attack is reported, the loss attack is what it always was, and the features the predictor
 * computes on the host agree with the loss the engine computes on the device.
 */
class EvaluatorAttacksTest {
  @Test
  void evaluationReportsEveryAttackWithTheLossAttackUnchanged() {
    UnlearningData data = BaselineFixture.data();
    int[] test = data.unseen(); // any labelled samples will do for the accuracy
    try (Classifier model = BaselineFixture.trained()) {
      UnlearningEvaluator.Evaluation e =
          new UnlearningEvaluator(16, 3)
              .evaluate(
                  model,
                  BaselineFixture.dataset(),
                  test,
                  data.forget(),
                  data.unseen(),
                  ProgressListener.NONE);
      EvaluationReport report = e.report();

      assertThat(report.attacks().keySet())
          .containsExactly("loss", "confidence", "entropy", "modified_entropy", "logit_confidence");
      assertThat(report.attacks().get("loss")).isSameAs(report.mia());
      // The loss attack on the exported losses, as anyone re-checking the CSV would run it.
      assertThat(report.mia())
          .isEqualTo(
              MembershipInferenceAttack.builder()
                  .optSeed(3)
                  .optSeedRepeats(UnlearningEvaluator.ATTACK_SEED_REPEATS)
                  .build()
                  .evaluate(
                      PerSampleLossExport.lossesOf(e.losses(), LabelledLoss.FORGET),
                      PerSampleLossExport.lossesOf(e.losses(), LabelledLoss.UNSEEN)));
      assertThat(report.attacks().values())
          .allSatisfy(r -> assertThat(r.memberCount()).isEqualTo(data.forget().length));
      assertThat(report.strongest().forgettingScore())
          .isGreaterThanOrEqualTo(report.forgettingScore());
    }
  }

  @Test
  void hostFeaturesAgreeWithTheDeviceLoss() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      Predictions p =
          new Predictor(16, EnumSet.allOf(AttackFeature.class))
              .predict(model, BaselineFixture.dataset(), data.unseen());
      double[] confidence = p.features().get(AttackFeature.CONFIDENCE);
      double[] entropy = p.features().get(AttackFeature.ENTROPY);
      double[] mentr = p.features().get(AttackFeature.MODIFIED_ENTROPY);
      int right = 0;
      for (int i = 0; i < p.size(); i++) {
        double pTrue = Math.exp(-p.losses()[i]); // softmax of the true class, from float32
        // The largest probability is the true class's exactly when the prediction is right.
        if (p.top1Correct()[i] == 1) {
          assertThat(confidence[i]).as("sample %d", i).isCloseTo(pTrue, within(1e-5));
          right++;
        } else {
          assertThat(confidence[i]).as("sample %d", i).isGreaterThan(pTrue - 1e-5);
        }
        assertThat(entropy[i]).isBetween(0.0, Math.log(4) + 1e-12);
        // Modified entropy includes -(1 - F_y) log F_y = (1 - F_y) * loss.
        assertThat(mentr[i]).isGreaterThanOrEqualTo((1 - pTrue) * p.losses()[i] - 1e-5);
      }
      assertThat(right).isPositive().isLessThan(p.size());
      assertThat(
              new Predictor(16).predict(model, BaselineFixture.dataset(), data.unseen()).features())
          .isEmpty();
    }
  }
}
