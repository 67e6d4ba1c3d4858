package io.lethe.bench.unlearning;

import java.util.SortedSet;

/**
 * One seed's forget request: the subjects to forget and the original's training samples split into
 * forget and retain. The seed picks the subjects and also seeds every method and the retrained
 * model of this split.
 */
public record SeedSplit(int seed, SortedSet<String> forgetSubjects, int[] forget, int[] retain) {
  public SeedSplit {
    forgetSubjects = java.util.Collections.unmodifiableSortedSet(forgetSubjects);
    forget = forget.clone();
    retain = retain.clone();
  }

  @Override
  public int[] forget() {
    return forget.clone();
  }

  @Override
  public int[] retain() {
    return retain.clone();
  }
}
