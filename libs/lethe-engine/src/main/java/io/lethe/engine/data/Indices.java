package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic index helpers shared by the readers and the unlearning split. Everything is seeded
 * and uses {@link java.util.Random}, whose algorithm is fixed by its specification, so a seed gives
 * the same indices on every JVM and every run: experiments must be reproducible.
 */
public final class Indices {
  private Indices() {}

  /** {@code [0, 1, ..., n-1]}. */
  public static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** A seeded Fisher-Yates permutation of {@code indices}; the input is not modified. */
  public static int[] shuffled(int[] indices, long seed) {
    int[] r = indices.clone();
    Random rng = new Random(seed);
    for (int i = r.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = r[i];
      r[i] = r[j];
      r[j] = t;
    }
    return r;
  }

  /** A seeded permutation of {@code items}; the input is not modified. */
  public static <T> List<T> shuffled(List<T> items, long seed) {
    int[] order = shuffled(range(items.size()), seed);
    List<T> r = new ArrayList<>(items.size());
    for (int i : order) {
      r.add(items.get(i));
    }
    return r;
  }

  /** Positions of the samples of {@code ds} declared in {@code split}, ascending. */
  public static int[] ofSplit(ImageDataset ds, Split split) {
    return ds.samples().stream().filter(s -> s.split() == split).mapToInt(Sample::index).toArray();
  }

  /**
   * A seeded class-stratified subset of size {@code limit}: each class keeps a share proportional
   * to its frequency (largest-remainder rounding, ties to the lower class), so a balanced pool
   * gives a balanced subset. Returned positions are ascending so that the subset keeps the original
   * file order.
   *
   * @param labels class of each pool position, in {@code [0, numClasses)}
   */
  public static int[] stratifiedSubset(int[] labels, int numClasses, int limit, long seed) {
    if (limit < 0 || limit > labels.length) {
      throw new IllegalArgumentException(
          "cannot take " + limit + " of " + labels.length + " samples");
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    int[] quota = new int[numClasses];
    long[] remainder = new long[numClasses];
    int assigned = 0;
    for (int c = 0; c < numClasses; c++) {
      long exact = (long) limit * byClass.get(c).size();
      quota[c] = (int) (exact / labels.length);
      remainder[c] = exact % labels.length;
      assigned += quota[c];
    }
    while (assigned < limit) {
      int best = -1;
      for (int c = 0; c < numClasses; c++) {
        if (quota[c] < byClass.get(c).size() && (best < 0 || remainder[c] > remainder[best])) {
          best = c;
        }
      }
      quota[best]++;
      remainder[best] = -1;
      assigned++;
    }
    int[] picked = new int[limit];
    int n = 0;
    for (int c = 0; c < numClasses; c++) {
      List<Integer> members = shuffled(byClass.get(c), deriveSeed(seed, c));
      for (int k = 0; k < quota[c]; k++) {
        picked[n++] = members.get(k);
      }
    }
    Arrays.sort(picked);
    return picked;
  }

  /**
   * An independent seed for sub-stream {@code stream} of {@code seed} (SplitMix64 finaliser), so
   * that e.g. the subject split does not change when the subset sampling consumes more numbers.
   */
  public static long deriveSeed(long seed, long stream) {
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
