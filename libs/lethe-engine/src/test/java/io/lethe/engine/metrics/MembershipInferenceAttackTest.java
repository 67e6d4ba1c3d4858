package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembershipInferenceAttackTest {
  private static final MembershipInferenceAttack ATTACK =
      MembershipInferenceAttack.builder().build();

  private static double[] exponential(int n, double mean, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = -mean * Math.log(1 - rng.nextDouble());
    }
    return out;
  }

  private static double[] uniform(int n, double from, double to, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rng.nextDouble(from, to);
    }
    return out;
  }

  @Test
  void perfectlySeparableLossesGiveAttackAccuracyNearOne() {
    // members were trained on: near-zero loss; non-members: high loss
    MiaResult result = ATTACK.evaluate(uniform(400, 0, 0.05, 1), uniform(400, 2, 4, 2));

    assertThat(result.accuracy()).isGreaterThanOrEqualTo(0.99);
    assertThat(result.forgettingScore()).isGreaterThanOrEqualTo(0.49);
  }

  @Test
  void identicallyDistributedLossesGiveChanceAccuracy() {
    MiaResult result = ATTACK.evaluate(exponential(5000, 1.0, 3), exponential(5000, 1.0, 4));

    assertThat(result.accuracy()).isCloseTo(0.5, within(0.03));
    assertThat(result.perSplitAccuracy()).hasSize(10);
  }

  @Test
  void lowerMemberLossesAreDetectedAboveChance() {
    MiaResult result = ATTACK.evaluate(exponential(2000, 0.5, 5), exponential(2000, 1.0, 6));

    // Bayes accuracy for Exp(mean 0.5) vs Exp(mean 1) with equal priors is 0.625
    assertThat(result.accuracy()).isCloseTo(0.625, within(0.03));
  }

  @Test
  void largerGroupIsSubsampledToTheSmallerOnesSize() {
    MiaResult result = ATTACK.evaluate(exponential(1200, 0.5, 7), exponential(300, 1.0, 8));

    assertThat(result.memberCount()).isEqualTo(300);
    assertThat(result.nonMemberCount()).isEqualTo(300);
  }

  @Test
  void balancedSubsamplingIsSeeded() {
    double[] members = exponential(3000, 0.8, 9);
    double[] nonMembers = exponential(200, 1.0, 10);

    MiaResult first =
        MembershipInferenceAttack.builder().optSeed(5).build().evaluate(members, nonMembers);
    MiaResult again =
        MembershipInferenceAttack.builder().optSeed(5).build().evaluate(members, nonMembers);
    assertThat(again).isEqualTo(first);

    Set<List<Double>> outcomes = new HashSet<>();
    for (long seed = 0; seed < 5; seed++) {
      outcomes.add(
          MembershipInferenceAttack.builder()
              .optSeed(seed)
              .build()
              .evaluate(members, nonMembers)
              .perSplitAccuracy());
    }
    assertThat(outcomes).hasSizeGreaterThan(1);
  }

  @Test
  void meanAndStdAreOverSplitsWithPopulationStd() {
    double[] losses = {0.1, 0.2, 0.3, 0.4, 0.5, 1.1, 1.2, 1.3, 1.4, 1.5};
    // samples 4 and 9 carry the label the other side of the loss gap: an attack trained on the
    // clean samples gets both of them wrong and the clean samples 3 and 8 right
    int[] members = {1, 1, 1, 1, 0, 0, 0, 0, 0, 1};
    int[] train = {0, 1, 2, 5, 6, 7};
    List<TrainTestSplit> splits =
        List.of(
            new TrainTestSplit(train, new int[] {3, 8}),
            new TrainTestSplit(train, new int[] {4, 9}));

    MiaResult result = ATTACK.evaluateOnSplits(losses, members, splits);

    assertThat(result.perSplitAccuracy()).containsExactly(1.0, 0.0);
    assertThat(result.accuracy()).isEqualTo(0.5);
    assertThat(result.std()).isEqualTo(0.5); // ddof = 0, like numpy's scores.std()
    assertThat(result.memberCount()).isEqualTo(5);
    assertThat(result.nonMemberCount()).isEqualTo(5);
  }

  @Test
  void rejectsNonFiniteLossesNamingTheSample() {
    assertThatThrownBy(() -> ATTACK.evaluate(new double[] {0.1, Double.NaN}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memberLosses[1] is NaN");
    assertThatThrownBy(
            () -> ATTACK.evaluate(new double[] {0.1, 0.2}, new double[] {Double.POSITIVE_INFINITY}))
        .hasMessageContaining("nonMemberLosses[0] is Infinity");
  }

  @Test
  void rejectsEmptyOrTooSmallGroups() {
    assertThatThrownBy(() -> ATTACK.evaluate(new double[0], new double[] {1, 2}))
        .hasMessageContaining("memberLosses must not be empty");
    // 3 vs 3 balanced: ceil(0.6) = 1 test sample cannot hold both classes
    assertThatThrownBy(() -> ATTACK.evaluate(new double[] {1, 2, 3}, new double[] {4, 5, 6}))
        .hasMessageContaining("test size 1 is smaller than the number of classes 2");
  }

  @Test
  void evaluateOnSplitsRejectsInconsistentInput() {
    double[] losses = {0.1, 0.2, 1.1, 1.2};
    int[] members = {1, 1, 0, 0};
    TrainTestSplit ok = new TrainTestSplit(new int[] {0, 2}, new int[] {1, 3});

    assertThatThrownBy(() -> ATTACK.evaluateOnSplits(losses, new int[] {1, 0}, List.of(ok)))
        .hasMessageContaining("4 losses but 2 membership labels");
    assertThatThrownBy(() -> ATTACK.evaluateOnSplits(losses, new int[] {1, 1, 0, 3}, List.of(ok)))
        .hasMessageContaining("members[3] is 3");
    assertThatThrownBy(() -> ATTACK.evaluateOnSplits(losses, members, List.of()))
        .hasMessageContaining("at least one split");
    assertThatThrownBy(
            () ->
                ATTACK.evaluateOnSplits(
                    losses,
                    members,
                    List.of(new TrainTestSplit(new int[] {0, 2}, new int[] {2, 3}))))
        .hasMessageContaining("sample 2 in both train and test");
    assertThatThrownBy(
            () ->
                ATTACK.evaluateOnSplits(
                    losses, members, List.of(new TrainTestSplit(new int[] {0, 9}, new int[] {1}))))
        .hasMessageContaining("train index 9 outside [0, 4)");
    assertThatThrownBy(
            () ->
                ATTACK.evaluateOnSplits(
                    losses,
                    members,
                    List.of(new TrainTestSplit(new int[] {0, 1}, new int[] {2, 3}))))
        .hasMessageContaining("split 0")
        .hasMessageContaining("only class 1");
  }

  @Test
  void builderValidatesOptions() {
    assertThatThrownBy(() -> MembershipInferenceAttack.builder().optNumSplits(0).build())
        .hasMessageContaining("numSplits");
    assertThatThrownBy(() -> MembershipInferenceAttack.builder().optTestFraction(0).build())
        .hasMessageContaining("testFraction");
    assertThatThrownBy(() -> MembershipInferenceAttack.builder().optRegularization(-1).build())
        .hasMessageContaining("C must be positive");
    MembershipInferenceAttack attack =
        MembershipInferenceAttack.builder()
            .optNumSplits(3)
            .optTestFraction(0.2)
            .optSeed(9)
            .optRegularization(0.5)
            .build();
    assertThat(attack.numSplits()).isEqualTo(3);
    assertThat(attack.testFraction()).isEqualTo(0.2);
    assertThat(attack.seed()).isEqualTo(9);
    assertThat(attack.regularization()).isEqualTo(0.5);
  }

  @Test
  void everyFeatureIsAttackedOnTheSameBalancedSamplesAndSplits() {
    double[] members = exponential(150, 0.4, 31);
    double[] nonMembers = exponential(230, 0.6, 32);
    // The negated loss carries the same information: on the same samples and splits the fitted
    // attack is mirrored and makes the same predictions. A different subsample or split would not
    // reproduce every per-split accuracy.
    Map<String, double[]> m = new LinkedHashMap<>();
    Map<String, double[]> n = new LinkedHashMap<>();
    m.put("loss", members);
    n.put("loss", nonMembers);
    m.put("negated", negate(members));
    n.put("negated", negate(nonMembers));
    m.put("noise", uniform(150, 0, 1, 33));
    n.put("noise", uniform(230, 0, 1, 34));
    MembershipInferenceAttack attack = MembershipInferenceAttack.builder().optSeed(7).build();

    Map<String, MiaResult> results = attack.evaluate(m, n);

    assertThat(results.keySet()).containsExactly("loss", "negated", "noise");
    assertThat(results.get("loss")).isEqualTo(attack.evaluate(members, nonMembers));
    assertThat(results.get("negated").perSplitAccuracy())
        .isEqualTo(results.get("loss").perSplitAccuracy());
    assertThat(results.get("loss").accuracy()).isGreaterThan(0.55);
    assertThat(results.get("noise").accuracy()).isLessThan(results.get("loss").accuracy());
    assertThat(results.values())
        .allSatisfy(
            r -> {
              assertThat(r.memberCount()).isEqualTo(150);
              assertThat(r.nonMemberCount()).isEqualTo(150);
            });
  }

  @Test
  void featureMapsMustMatch() {
    double[] four = {0.1, 0.2, 0.3, 0.4};
    assertThatThrownBy(() -> ATTACK.evaluate(Map.of("a", four), Map.of("b", four)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member features [a] but non-member features [b]");
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("a", four);
    m.put("b", new double[] {0.1, 0.2, 0.3});
    assertThatThrownBy(() -> ATTACK.evaluate(m, Map.of("a", four, "b", four)))
        .hasMessageContaining("feature b has another number of samples");
    assertThatThrownBy(
            () -> ATTACK.evaluate(Map.of("a", four), Map.of("a", new double[] {0, Double.NaN})))
        .hasMessageContaining("nonMembers.a[1] is NaN");
    assertThatThrownBy(() -> ATTACK.evaluate(Map.of(), Map.of()))
        .hasMessageContaining("at least one feature");
  }

  private static double[] negate(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = -values[i];
    }
    return out;
  }

  @Test
  void seedRepeatsMeasureTheSpreadOfTheMeanAndKeepTheReportedRun() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    double[] members = new double[300];
    double[] nonMembers = new double[500];
    for (int i = 0; i < members.length; i++) {
      members[i] = rng.nextDouble() * 1.0;
    }
    for (int i = 0; i < nonMembers.length; i++) {
      nonMembers[i] = rng.nextDouble() * 1.4;
    }
    MiaResult once =
        MembershipInferenceAttack.builder().optSeed(2).build().evaluate(members, nonMembers);
    MiaResult repeated =
        MembershipInferenceAttack.builder()
            .optSeed(2)
            .optSeedRepeats(5)
            .build()
            .evaluate(members, nonMembers);

    assertThat(once.seedStd()).isNull();
    assertThat(once.noise()).isEqualTo(once.std());
    // The reported run is the seed's own; the repeats only add their spread.
    assertThat(repeated.accuracy()).isEqualTo(once.accuracy());
    assertThat(repeated.perSplitAccuracy()).isEqualTo(once.perSplitAccuracy());
    // Other subsamples of the 500 non-members and other splits move the mean: the spread is real.
    assertThat(repeated.seedStd()).isPositive().isLessThan(0.1);
    assertThat(repeated.noise()).isEqualTo(Math.max(repeated.std(), repeated.seedStd()));
  }

  @Test
  void seedRepeatsBelowOneAreRejected() {
    assertThatThrownBy(() -> MembershipInferenceAttack.builder().optSeedRepeats(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seedRepeats");
  }
}
