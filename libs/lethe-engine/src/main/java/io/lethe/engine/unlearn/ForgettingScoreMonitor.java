package io.lethe.engine.unlearn;

import io.lethe.engine.data.Indices;
import io.lethe.engine.evaluation.Predictor;
import io.lethe.engine.metrics.MembershipInferenceAttack;
import io.lethe.engine.model.Classifier;
import java.util.Arrays;

/**
 * Cheap, repeated estimates of the forgetting score |MIA - 0.5| while a model is being changed.
 *
 * <p>Why cheap: the DLFD authors recompute a full MIA after every batch, which dominates their run
 * time. Here the forget and unseen sets are sub-sampled once (seeded) and the attack uses fewer
 * splits; callers re-estimate every K batches. The estimate is noisier than the final evaluation
 * (about ±0.03 with 256 vs 256 samples) and only steers dynamic forgetting.
 */
public final class ForgettingScoreMonitor {
  private final Classifier classifier;
  private final UnlearningData data;
  private final int[] forgetSample;
  private final int[] unseenSample;
  private final MembershipInferenceAttack attack;
  private final Predictor predictor;

  /**
   * @param sampleSize at most this many forget and this many unseen samples are scored
   * @param splits shuffle splits of the attack
   */
  public ForgettingScoreMonitor(
      Classifier classifier, UnlearningData data, int sampleSize, int splits, long seed) {
    this.classifier = classifier;
    this.data = data;
    this.forgetSample = subsample(data.forget(), sampleSize, seed);
    this.unseenSample = subsample(data.unseen(), sampleSize, seed + 1);
    this.attack = MembershipInferenceAttack.builder().optNumSplits(splits).optSeed(seed).build();
    this.predictor = new Predictor(128);
  }

  private static int[] subsample(int[] indices, int size, long seed) {
    if (indices.length <= size) {
      return indices.clone();
    }
    return Arrays.copyOf(Indices.shuffled(indices, seed), size);
  }

  /** Scores the model as it is now (eval mode). */
  public double estimate() {
    double[] member = predictor.predict(classifier, data.dataset(), forgetSample).losses();
    double[] nonMember = predictor.predict(classifier, data.dataset(), unseenSample).losses();
    return attack.evaluate(member, nonMember).forgettingScore();
  }
}
