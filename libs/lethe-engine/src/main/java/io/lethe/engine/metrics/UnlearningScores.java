package io.lethe.engine.metrics;

/**
 * The scalar scores of the MUFAC benchmark, used by the DLFD paper.
 *
 * <p>The forgetting score {@code |MIA - 0.5|} measures how far the attack is from chance: an attack
 * accuracy of 0.5 means forget samples look exactly like never-seen ones. NoMUS (Normalised Machine
 * Unlearning Score) trades it against utility: {@code 0.5 * (testAccuracy + (1 - 2 * |MIA -
 * 0.5|))}, 1 being a perfect model that leaks nothing.
 */
public final class UnlearningScores {
  private UnlearningScores() {}

  /** {@code |mia - 0.5|}, in [0, 0.5]. */
  public static double forgettingScore(double mia) {
    checkProbability("mia", mia);
    return Math.abs(mia - 0.5);
  }

  /** {@code 0.5 * (testAccuracy + 1 - 2 * |mia - 0.5|)}, in [0, 1]. */
  public static double nomus(double testAccuracy, double mia) {
    checkProbability("testAccuracy", testAccuracy);
    return 0.5 * (testAccuracy + 1 - 2 * forgettingScore(mia));
  }

  static void checkProbability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }
}
