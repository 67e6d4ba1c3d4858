package io.lethe.engine.metrics;

import java.util.ArrayList;
import java.util.List;
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
  private final LogisticRegression attackModel;

  private MembershipInferenceAttack(Builder b) {
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

  /** The attack model's inverse regularisation strength C. */
  public double regularization() {
    return attackModel.regularization();
  }

  /**
   * Runs the attack: balances the groups by seeded subsampling of the larger one, draws stratified
   * splits, fits the attack on each train set and scores it on the test set.
   *
   * @param memberLosses per-sample losses of the forget set
   * @param nonMemberLosses per-sample losses of the unseen set
   * @throws IllegalArgumentException if a loss is not finite or a group is too small to split
   */
  public MiaResult evaluate(double[] memberLosses, double[] nonMemberLosses) {
    checkLosses("memberLosses", memberLosses);
    checkLosses("nonMemberLosses", nonMemberLosses);
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom subsampleRng = root.split();
    long splitSeed = root.nextLong();

    int k = Math.min(memberLosses.length, nonMemberLosses.length);
    double[] members = subsample(memberLosses, k, subsampleRng);
    double[] nonMembers = subsample(nonMemberLosses, k, subsampleRng);
    // Non-members first, then members, as in the MUFAC notebook.
    double[] losses = new double[2 * k];
    int[] labels = new int[2 * k];
    System.arraycopy(nonMembers, 0, losses, 0, k);
    System.arraycopy(members, 0, losses, k, k);
    for (int i = k; i < 2 * k; i++) {
      labels[i] = 1;
    }
    List<TrainTestSplit> splits =
        new StratifiedShuffleSplit(numSplits, testFraction, splitSeed).split(labels);
    return evaluateOnSplits(losses, labels, splits);
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
    checkLosses("losses", losses);
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

  /** {@code k} values drawn without replacement (all of them, reordered, when k == length). */
  private static double[] subsample(double[] values, int k, SplittableRandom rng) {
    double[] copy = values.clone();
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(copy.length - i);
      double tmp = copy[i];
      copy[i] = copy[j];
      copy[j] = tmp;
    }
    double[] result = new double[k];
    System.arraycopy(copy, 0, result, 0, k);
    return result;
  }

  private static void checkLosses(String name, double[] losses) {
    if (losses == null || losses.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    for (int i = 0; i < losses.length; i++) {
      if (!Double.isFinite(losses[i])) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + losses[i] + ": losses must be finite");
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

    private Builder() {}

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
