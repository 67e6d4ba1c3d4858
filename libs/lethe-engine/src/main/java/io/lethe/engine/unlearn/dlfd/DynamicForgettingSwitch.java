package io.lethe.engine.unlearn.dlfd;

/**
 * Decides, from each forgetting-score reading, whether DLFD perturbs the next batches.
 *
 * <p>The paper's rule is one threshold: perturb while the score is at or above it. With a resume
 * margin the switch has hysteresis: once the score has fallen below the threshold, perturbation
 * resumes only when it climbs back to threshold + margin. Why: a reading is a noisy estimate (a
 * sub-sampled attack), and when the forgetting score settles near the threshold, a single threshold
 * flips on noise; every flip costs a perturbed batch and, at the braking cadence, a reading. A
 * margin of 0 is the paper's rule.
 */
final class DynamicForgettingSwitch {
  private final double threshold;
  private final double resumeThreshold;
  private boolean perturbing;

  /**
   * @param threshold perturb while the score is at or above this
   * @param resumeMargin once below the threshold, perturb again only at threshold + this
   * @param initialScore the first reading, which decides the first batches
   */
  DynamicForgettingSwitch(double threshold, double resumeMargin, double initialScore) {
    if (!(resumeMargin >= 0)) {
      throw new IllegalArgumentException("resume margin must be >= 0, got " + resumeMargin);
    }
    this.threshold = threshold;
    this.resumeThreshold = threshold + resumeMargin;
    this.perturbing = initialScore >= threshold;
  }

  /** Takes a new reading into account; returns whether the next batches are perturbed. */
  boolean update(double score) {
    perturbing = perturbing ? score >= threshold : score >= resumeThreshold;
    return perturbing;
  }

  boolean perturbing() {
    return perturbing;
  }
}
