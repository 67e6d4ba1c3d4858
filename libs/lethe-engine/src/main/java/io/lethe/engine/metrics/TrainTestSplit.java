package io.lethe.engine.metrics;

import java.util.Arrays;

/**
 * One cross-validation split: indices into the sample arrays used to fit the attack ({@code train})
 * and to score it ({@code test}). Arrays are copied in and out so a split cannot change.
 */
public record TrainTestSplit(int[] train, int[] test) {
  public TrainTestSplit {
    if (train == null || test == null) {
      throw new IllegalArgumentException("train and test indices must not be null");
    }
    if (train.length == 0 || test.length == 0) {
      throw new IllegalArgumentException(
          "a split needs non-empty train and test sets, got "
              + train.length
              + " train and "
              + test.length
              + " test indices");
    }
    train = train.clone();
    test = test.clone();
  }

  @Override
  public int[] train() {
    return train.clone();
  }

  @Override
  public int[] test() {
    return test.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainTestSplit s
        && Arrays.equals(s.train, train)
        && Arrays.equals(s.test, test);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(train) + Arrays.hashCode(test);
  }

  @Override
  public String toString() {
    return "TrainTestSplit[train=" + train.length + " indices, test=" + test.length + " indices]";
  }
}
