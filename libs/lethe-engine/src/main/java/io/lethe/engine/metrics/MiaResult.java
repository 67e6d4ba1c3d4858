package io.lethe.engine.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Outcome of a membership-inference attack.
 *
 * @param accuracy mean attack accuracy over the splits (the "MIA" number of MUFAC/DLFD); 0.5 means
 *     the attacker cannot tell members from non-members
 * @param std population standard deviation (numpy's default {@code ddof=0}) of the per-split
 *     accuracies
 * @param perSplitAccuracy test accuracy of the attack model on each split
 * @param memberCount member samples the attack used (after balancing)
 * @param nonMemberCount non-member samples the attack used (after balancing)
 * @param seedStd population standard deviation of the mean accuracy over repeats of the attack with
 *     other seeds (other balanced subsamples of the larger group, other splits); null when the
 *     attack ran once
 */
@JsonIgnoreProperties(
    value = {"forgettingScore", "noise"},
    allowGetters = true)
public record MiaResult(
    double accuracy,
    double std,
    List<Double> perSplitAccuracy,
    int memberCount,
    int nonMemberCount,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double seedStd) {
  /** The result of an attack run with one seed. */
  public MiaResult(
      double accuracy,
      double std,
      List<Double> perSplitAccuracy,
      int memberCount,
      int nonMemberCount) {
    this(accuracy, std, perSplitAccuracy, memberCount, nonMemberCount, null);
  }

  @JsonCreator
  public MiaResult {
    if (!(accuracy >= 0 && accuracy <= 1)) {
      throw new IllegalArgumentException("accuracy must be in [0, 1], got " + accuracy);
    }
    if (!(std >= 0)) {
      throw new IllegalArgumentException("std must be non-negative, got " + std);
    }
    if (perSplitAccuracy == null || perSplitAccuracy.isEmpty()) {
      throw new IllegalArgumentException("an attack result needs at least one split accuracy");
    }
    perSplitAccuracy = List.copyOf(perSplitAccuracy);
    if (memberCount < 1 || nonMemberCount < 1) {
      throw new IllegalArgumentException(
          "an attack needs members and non-members, got "
              + memberCount
              + " members and "
              + nonMemberCount
              + " non-members");
    }
    if (seedStd != null && !(seedStd >= 0)) {
      throw new IllegalArgumentException("seedStd must be non-negative, got " + seedStd);
    }
  }

  /**
   * The attack's noise: the larger of the spread across splits ({@link #std()}) and the spread of
   * the mean across seeds ({@link #seedStd()}, when measured). A forgetting score within a few of
   * these of 0 cannot be told from chance, and two scores closer than a few of these cannot be told
   * apart.
   */
  @JsonProperty("noise")
  public double noise() {
    return seedStd == null ? std : Math.max(std, seedStd);
  }

  /** This result with the spread of its mean across seeds. */
  public MiaResult withSeedStd(double seedStd) {
    return new MiaResult(accuracy, std, perSplitAccuracy, memberCount, nonMemberCount, seedStd);
  }

  /** {@code |accuracy - 0.5|}: 0 when forgetting is indistinguishable from never having seen. */
  @JsonProperty("forgettingScore")
  public double forgettingScore() {
    return UnlearningScores.forgettingScore(accuracy);
  }
}
