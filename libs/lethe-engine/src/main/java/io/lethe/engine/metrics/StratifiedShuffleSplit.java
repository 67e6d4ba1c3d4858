package io.lethe.engine.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Random stratified train/test splits with the same sizes as scikit-learn's {@code
 * StratifiedShuffleSplit(n_splits, test_size=testFraction)}: {@code n_test = ceil(testFraction *
 * n)}, {@code n_train = n - n_test}, and the per-class counts of each split follow sklearn's {@code
 * _approximate_mode} arithmetic (floor of the proportional share, leftovers to the largest
 * remainders, ties broken at random). Matching the sizes exactly means a split-by-split comparison
 * with sklearn differs only in which samples are drawn, never in how many of each class.
 *
 * <p>The random stream is Java's {@link SplittableRandom}, not numpy's Mersenne Twister, so the
 * drawn indices differ from sklearn's for the same seed; the same seed always gives the same splits
 * here.
 */
public final class StratifiedShuffleSplit {
  private final int numSplits;
  private final double testFraction;
  private final long seed;

  /**
   * @param numSplits number of independent splits (sklearn's {@code n_splits})
   * @param testFraction share of samples in each test set, in (0, 1) (sklearn's {@code test_size})
   * @param seed seed of the random stream (sklearn's {@code random_state})
   */
  public StratifiedShuffleSplit(int numSplits, double testFraction, long seed) {
    if (numSplits < 1) {
      throw new IllegalArgumentException("numSplits must be at least 1, got " + numSplits);
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
    }
    this.numSplits = numSplits;
    this.testFraction = testFraction;
    this.seed = seed;
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

  /** sklearn's test-set size for {@code n} samples: {@code ceil(testFraction * n)}. */
  public int testSize(int n) {
    return (int) Math.ceil(testFraction * n);
  }

  /**
   * Splits samples with class labels {@code y} (any integers).
   *
   * @throws IllegalArgumentException if a class has fewer than two samples, or a train or test set
   *     would be too small to hold one sample of every class
   */
  public List<TrainTestSplit> split(int[] y) {
    if (y == null || y.length == 0) {
      throw new IllegalArgumentException("cannot split zero samples");
    }
    int n = y.length;
    int nTest = testSize(n);
    int nTrain = n - nTest;
    if (nTrain == 0) {
      throw new IllegalArgumentException(
          "with " + n + " samples and testFraction " + testFraction + " the train set is empty");
    }
    // Classes in ascending order, each with its sample indices in ascending order (as sklearn).
    TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      byClass.computeIfAbsent(y[i], k -> new ArrayList<>()).add(i);
    }
    int numClasses = byClass.size();
    int[][] classIndices = new int[numClasses][];
    int[] classCounts = new int[numClasses];
    int c = 0;
    for (var entry : byClass.entrySet()) {
      classIndices[c] = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
      classCounts[c] = classIndices[c].length;
      if (classCounts[c] < 2) {
        throw new IllegalArgumentException(
            "class " + entry.getKey() + " has only 1 sample; stratified splits need at least 2");
      }
      c++;
    }
    if (nTrain < numClasses) {
      throw new IllegalArgumentException(
          "train size " + nTrain + " is smaller than the number of classes " + numClasses);
    }
    if (nTest < numClasses) {
      throw new IllegalArgumentException(
          "test size "
              + nTest
              + " is smaller than the number of classes "
              + numClasses
              + "; raise testFraction or add samples");
    }

    SplittableRandom rng = new SplittableRandom(seed);
    List<TrainTestSplit> splits = new ArrayList<>(numSplits);
    for (int s = 0; s < numSplits; s++) {
      int[] trainPerClass = approximateMode(classCounts, nTrain, rng);
      int[] remaining = new int[numClasses];
      for (int k = 0; k < numClasses; k++) {
        remaining[k] = classCounts[k] - trainPerClass[k];
      }
      int[] testPerClass = approximateMode(remaining, nTest, rng);
      int[] train = new int[nTrain];
      int[] test = new int[nTest];
      int trainPos = 0;
      int testPos = 0;
      for (int k = 0; k < numClasses; k++) {
        int[] perm = permutation(classCounts[k], rng);
        for (int j = 0; j < trainPerClass[k]; j++) {
          train[trainPos++] = classIndices[k][perm[j]];
        }
        for (int j = trainPerClass[k]; j < trainPerClass[k] + testPerClass[k]; j++) {
          test[testPos++] = classIndices[k][perm[j]];
        }
      }
      shuffle(train, rng);
      shuffle(test, rng);
      splits.add(new TrainTestSplit(train, test));
    }
    return List.copyOf(splits);
  }

  /**
   * sklearn's {@code _approximate_mode}: how many of {@code nDraws} draws each class gets. Each
   * class gets the floor of its proportional share {@code count/total*nDraws} (computed in that
   * order, like numpy, so the doubles are bit-identical); the draws still missing go one each to
   * the classes with the largest remainders, and among classes with equal remainders to a random
   * subset drawn from {@code rng}.
   */
  static int[] approximateMode(int[] classCounts, int nDraws, SplittableRandom rng) {
    int k = classCounts.length;
    double total = 0;
    for (int count : classCounts) {
      total += count;
    }
    double[] continuous = new double[k];
    int[] floored = new int[k];
    double flooredSum = 0;
    for (int i = 0; i < k; i++) {
      continuous[i] = classCounts[i] / total * nDraws;
      floored[i] = (int) Math.floor(continuous[i]);
      flooredSum += floored[i];
    }
    int needToAdd = (int) (nDraws - flooredSum);
    if (needToAdd > 0) {
      double[] remainder = new double[k];
      for (int i = 0; i < k; i++) {
        remainder[i] = continuous[i] - floored[i];
      }
      double[] values = Arrays.stream(remainder).distinct().sorted().toArray();
      for (int v = values.length - 1; v >= 0 && needToAdd > 0; v--) {
        double value = values[v];
        int[] inds =
            java.util.stream.IntStream.range(0, k).filter(i -> remainder[i] == value).toArray();
        int addNow = Math.min(inds.length, needToAdd);
        // choose addNow of inds without replacement: partial Fisher-Yates
        for (int j = 0; j < addNow; j++) {
          int r = j + rng.nextInt(inds.length - j);
          int tmp = inds[j];
          inds[j] = inds[r];
          inds[r] = tmp;
          floored[inds[j]]++;
        }
        needToAdd -= addNow;
      }
    }
    return floored;
  }

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    shuffle(perm, rng);
    return perm;
  }

  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
