package io.lethe.evaluator;

/**
 * How the relative forgetting gate ({@link ForgettingVsParent}) reads the attack's noise. The noise
 * of a version's forgetting score is the attack's {@code σ}: the larger of its standard deviation
 * across splits and the spread of its mean across seeds; a difference of two scores has noise
 * {@code sqrt(σ_parent² + σ_child²)}.
 *
 * @param bandSigmas {@code k}: a score within {@code k·σ_child} of 0 (an attack accuracy within the
 *     noise band of 0.5) cannot be told from chance: "not measurable at this size"
 * @param minDropSigmas {@code z}: a significant fall is {@code parent - child >= z·sqrt(σp² + σc²)}
 *     (and above 0)
 * @param minAttackSamples below this many members or non-members the splits' spread is no estimate
 *     of the noise: only the noise-band rule can pass
 */
public record NoiseRule(double bandSigmas, double minDropSigmas, int minAttackSamples) {
  public static final double DEFAULT_BAND_SIGMAS = 2;
  public static final double DEFAULT_MIN_DROP_SIGMAS = 2;
  public static final int DEFAULT_MIN_ATTACK_SAMPLES = 50;
  public static final NoiseRule DEFAULTS =
      new NoiseRule(DEFAULT_BAND_SIGMAS, DEFAULT_MIN_DROP_SIGMAS, DEFAULT_MIN_ATTACK_SAMPLES);

  public NoiseRule {
    if (!(bandSigmas >= 0 && bandSigmas <= 100)) {
      throw new IllegalArgumentException("bandSigmas must be in [0, 100], got " + bandSigmas);
    }
    if (!(minDropSigmas >= 0 && minDropSigmas <= 100)) {
      throw new IllegalArgumentException("minDropSigmas must be in [0, 100], got " + minDropSigmas);
    }
    if (minAttackSamples < 1) {
      throw new IllegalArgumentException(
          "minAttackSamples must be at least 1, got " + minAttackSamples);
    }
  }
}
