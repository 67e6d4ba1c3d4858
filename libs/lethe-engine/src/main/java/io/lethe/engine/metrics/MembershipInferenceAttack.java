package io.lethe.engine.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The loss-based membership-inference attack of the MUFAC benchmark and the DLFD paper: a logistic
 * regression on the per-sample loss tries to tell forget samples (members, label 1) from unseen
 * samples (non-members, label 0), and its accuracy is cross-validated over stratified shuffle
 * splits. In Python:
 *
 * <pre>{@code
 * cv = StratifiedShuffleSplit(n_splits=10, test_size=0.1, random_state=seed)
 * mia = cross_val_score(LogisticRegression(), losses.reshape(-1, 1), members,
 *                       cv=cv, scoring="accuracy").mean()
 * }</pre>
 *
 * <p>The larger group is first subsampled (seeded) to the size of the smaller one, so the classes
 * are balanced and 0.5 is chance level: an unlearned model whose forget losses look like unseen
 * losses scores 0.5, a model that still remembers the forget set scores well above it.
 *
 * <p>Immutable and thread-safe; the same seed and inputs always give the same result.
 */
public final class MembershipInferenceAttack {
  private final int numSplits;
  private final double testFraction;
  private final long seed;
  private final int seedRepeats;
  private final LogisticRegression attackModel;

  private MembershipInferenceAttack(Builder b) {
    if (b.seedRepeats < 1) {
      throw new IllegalArgumentException("seedRepeats must be at least 1, got " + b.seedRepeats);
    }
    this.seedRepeats = b.seedRepeats;
    this.numSplits = b.numSplits;
    this.testFraction = b.testFraction;
    this.seed = b.seed;
    this.attackModel = LogisticRegression.builder().optRegularization(b.c).build();
    // Validate the split options now rather than at the first evaluation.
    new StratifiedShuffleSplit(numSplits, testFraction, seed);
  }

  public static Builder builder() {
    return new Builder();
  }

  public int numSplits() {
    return numSplits;
  }

  public double testFraction() {
    return testFraction;
  }

  public long seed() {
    return seed;
  }

  /** How often the attack runs with other seeds to measure the spread of its mean (1: once). */
  public int seedRepeats() {
    return seedRepeats;
  }

  /** The attack model's inverse regularisation strength C. */
  public double regularization() {
    return attackModel.regularization();
  }

  /**
   * Runs the attack: balances the groups by seeded subsampling of the larger one, draws stratified
   * splits, fits the attack on each train set and scores it on the test set.
   *
   * @param memberLosses per-sample losses (or any other 1-D attack feature) of the forget set
   * @param nonMemberLosses the same feature of the unseen set
   * @throws IllegalArgumentException if a loss is not finite or a group is too small to split
   */
  public MiaResult evaluate(double[] memberLosses, double[] nonMemberLosses) {
    checkValues("memberLosses", memberLosses);
    checkValues("nonMemberLosses", nonMemberLosses);
    return evaluate(Map.of("loss", memberLosses), Map.of("loss", nonMemberLosses)).get("loss");
  }

  /**
   * Runs the attack once per feature, every feature on the <em>same</em> balanced samples and the
   * <em>same</em> splits, so the results differ only in what the attacker looks at. The balancing
   * and splits are those {@link #evaluate(double[], double[])} draws for the same seed and group
   * sizes, whatever the values.
   *
   * @param members per feature name, the feature of every forget sample, in one sample order
   * @param nonMembers per feature name (the same names), the feature of every unseen sample
   * @return per feature name, in the iteration order of {@code members}, the attack's result
   * @throws IllegalArgumentException if the names differ, a feature's arrays have another length
   *     than the first feature's, a value is not finite or a group is too small to split
   */
  public Map<String, MiaResult> evaluate(
      Map<String, double[]> members, Map<String, double[]> nonMembers) {
    if (members == null || members.isEmpty() || nonMembers == null) {
      throw new IllegalArgumentException("the attack needs at least one feature");
    }
    if (!members.keySet().equals(nonMembers.keySet())) {
      throw new IllegalArgumentException(
          "member features "
              + members.keySet()
              + " but non-member features "
              + nonMembers.keySet());
    }
    int memberCount = -1;
    int nonMemberCount = -1;
    for (var e : members.entrySet()) {
      double[] m = e.getValue();
      double[] n = nonMembers.get(e.getKey());
      checkValues("members." + e.getKey(), m);
      checkValues("nonMembers." + e.getKey(), n);
      if (memberCount < 0) {
        memberCount = m.length;
        nonMemberCount = n.length;
      } else if (m.length != memberCount || n.length != nonMemberCount) {
        throw new IllegalArgumentException(
            "feature " + e.getKey() + " has another number of samples than the first feature");
      }
    }
    Map<String, MiaResult> results =
        runOnce(members, nonMembers, memberCount, nonMemberCount, seed);
    if (seedRepeats == 1) {
      return results;
    }
    Map<String, double[]> means = new LinkedHashMap<>();
    results.forEach((name, r) -> means.put(name, new double[seedRepeats]));
    results.forEach((name, r) -> means.get(name)[0] = r.accuracy());
    SplittableRandom repeatSeeds = new SplittableRandom(seed ^ 0x5EEDL);
    for (int r = 1; r < seedRepeats; r++) {
      int repeat = r;
      runOnce(members, nonMembers, memberCount, nonMemberCount, repeatSeeds.nextLong())
          .forEach((name, result) -> means.get(name)[repeat] = result.accuracy());
    }
    Map<String, MiaResult> withSpread = new LinkedHashMap<>();
    results.forEach(
        (name, r) -> withSpread.put(name, r.withSeedStd(populationStd(means.get(name)))));
    return Collections.unmodifiableMap(withSpread);
  }

  private Map<String, MiaResult> runOnce(
      Map<String, double[]> members,
      Map<String, double[]> nonMembers,
      int memberCount,
      int nonMemberCount,
      long runSeed) {
    SplittableRandom root = new SplittableRandom(runSeed);
    SplittableRandom subsampleRng = root.split();
    long splitSeed = root.nextLong();

    int k = Math.min(memberCount, nonMemberCount);
    int[] memberPick = subsample(memberCount, k, subsampleRng);
    int[] nonMemberPick = subsample(nonMemberCount, k, subsampleRng);
    // Non-members first, then members, as in the MUFAC notebook.
    int[] labels = new int[2 * k];
    for (int i = k; i < 2 * k; i++) {
      labels[i] = 1;
    }
    List<TrainTestSplit> splits =
        new StratifiedShuffleSplit(numSplits, testFraction, splitSeed).split(labels);
    Map<String, MiaResult> results = new LinkedHashMap<>();
    for (var e : members.entrySet()) {
      double[] m = e.getValue();
      double[] n = nonMembers.get(e.getKey());
      double[] values = new double[2 * k];
      for (int i = 0; i < k; i++) {
        values[i] = n[nonMemberPick[i]];
        values[k + i] = m[memberPick[i]];
      }
      results.put(e.getKey(), evaluateOnSplits(values, labels, splits));
    }
    return Collections.unmodifiableMap(results);
  }

  private static double populationStd(double[] values) {
    double mean = Arrays.stream(values).average().orElseThrow();
    double variance =
        Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    return Math.sqrt(variance);
  }

  /**
   * Runs the attack on given splits, e.g. the exact splits scikit-learn drew, so both can be
   * compared split by split. No balancing is done here.
   *
   * @param losses per-sample losses
   * @param members 1 for a member, 0 for a non-member, one per loss
   * @param splits index sets into {@code losses}; train and test of a split must not overlap
   */
  public MiaResult evaluateOnSplits(double[] losses, int[] members, List<TrainTestSplit> splits) {
    checkValues("losses", losses);
    if (members == null || members.length != losses.length) {
      throw new IllegalArgumentException(
          losses.length
              + " losses but "
              + (members == null ? "no" : String.valueOf(members.length))
              + " membership labels");
    }
    int memberCount = 0;
    for (int i = 0; i < members.length; i++) {
      if (members[i] != 0 && members[i] != 1) {
        throw new IllegalArgumentException(
            "members[" + i + "] is " + members[i] + ", expected 0 or 1");
      }
      memberCount += members[i];
    }
    if (splits == null || splits.isEmpty()) {
      throw new IllegalArgumentException("the attack needs at least one split");
    }
    List<Double> accuracies = new ArrayList<>(splits.size());
    for (int s = 0; s < splits.size(); s++) {
      TrainTestSplit split = splits.get(s);
      int[] train = split.train();
      int[] test = split.test();
      checkIndices(s, train, test, losses.length);
      double[][] x = new double[train.length][];
      int[] y = new int[train.length];
      for (int i = 0; i < train.length; i++) {
        x[i] = new double[] {losses[train[i]]};
        y[i] = members[train[i]];
      }
      LogisticRegressionModel model;
      try {
        model = attackModel.fit(x, y);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("split " + s + ": " + e.getMessage(), e);
      }
      int correct = 0;
      for (int i : test) {
        if (model.predict(new double[] {losses[i]}) == members[i]) {
          correct++;
        }
      }
      accuracies.add((double) correct / test.length);
    }
    double mean = accuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double variance =
        accuracies.stream().mapToDouble(a -> (a - mean) * (a - mean)).average().orElseThrow();
    return new MiaResult(
        mean, Math.sqrt(variance), accuracies, memberCount, losses.length - memberCount);
  }

  /**
   * {@code k} of the indices {@code 0..n-1} drawn without replacement (all of them, reordered, when
   * k == n), by a partial Fisher-Yates shuffle.
   */
  private static int[] subsample(int n, int k, SplittableRandom rng) {
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = index[i];
      index[i] = index[j];
      index[j] = tmp;
    }
    return Arrays.copyOf(index, k);
  }

  private static void checkValues(String name, double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + values[i] + ": attack features must be finite");
      }
    }
  }

  private static void checkIndices(int split, int[] train, int[] test, int n) {
    boolean[] inTrain = new boolean[n];
    for (int i : train) {
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException(
            "split " + split + " has train index " + i + " outside [0, " + n + ")");
      }
      inTrain[i] = true;
    }
    for (int i : test) {
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException(
            "split " + split + " has test index " + i + " outside [0, " + n + ")");
      }
      if (inTrain[i]) {
        throw new IllegalArgumentException(
            "split " + split + " has sample " + i + " in both train and test");
      }
    }
  }

  /** Options of a {@link MembershipInferenceAttack}; defaults are MUFAC's. */
  public static final class Builder {
    private int numSplits = 10;
    private double testFraction = 0.1;
    private long seed = 0;
    private double c = LogisticRegression.DEFAULT_C;
    private int seedRepeats = 1;

    private Builder() {}

    /**
     * Runs the attack this many times (default 1): once with {@link #optSeed} — whose result is
     * reported — and {@code n - 1} times with seeds derived from it, other balanced subsamples and
     * other splits; each result then carries the spread of the mean across the runs ({@link
     * MiaResult#seedStd()}). Costs {@code n} times the attack's fits.
     */
    public Builder optSeedRepeats(int n) {
      this.seedRepeats = n;
      return this;
    }

    /** Number of stratified shuffle splits (default 10). */
    public Builder optNumSplits(int numSplits) {
      this.numSplits = numSplits;
      return this;
    }

    /** Share of the balanced samples in each test set (default 0.1). */
    public Builder optTestFraction(double testFraction) {
      this.testFraction = testFraction;
      return this;
    }

    /** Seed of the subsampling and of the splits (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The attack model's inverse regularisation strength C (default 1.0, as sklearn). */
    public Builder optRegularization(double c) {
      this.c = c;
      return this;
    }

    /**
     * @throws IllegalArgumentException if numSplits &lt; 1, testFraction is outside (0, 1) or C is
     *     not positive
     */
    public MembershipInferenceAttack build() {
      return new MembershipInferenceAttack(this);
    }
  }
}
