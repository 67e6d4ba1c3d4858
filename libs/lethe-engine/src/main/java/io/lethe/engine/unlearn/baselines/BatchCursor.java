package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.data.Indices;
import java.util.Arrays;

/**
 * Hands out batches of a sample set in a seeded shuffled order, reshuffling (with a new seed)
 * whenever fewer than a batch remain. Used where one set is cycled alongside another (forget
 * batches paired with retain batches).
 */
final class BatchCursor {
  private final int[] samples;
  private final long seed;
  private int[] order;
  private int at;
  private int shuffles;
  private long handedOut;

  BatchCursor(int[] samples, long seed) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("cannot cycle an empty sample set");
    }
    this.samples = samples.clone();
    this.seed = seed;
    this.order = Indices.shuffled(this.samples, seed);
  }

  /** The next {@code size} samples (at most the set's size). */
  int[] next(int size) {
    int n = Math.min(size, samples.length);
    if (at + n > order.length) {
      order = Indices.shuffled(samples, seed * 31L + ++shuffles);
      at = 0;
    }
    int[] batch = Arrays.copyOfRange(order, at, at + n);
    at += n;
    handedOut += n;
    return batch;
  }

  /** Samples handed out so far, divided by the set's size. */
  double passes() {
    return (double) handedOut / samples.length;
  }
}
