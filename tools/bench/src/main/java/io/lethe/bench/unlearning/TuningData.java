package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import java.util.Arrays;
import java.util.BitSet;

/**
 * What an unlearning run and a tuning trial may read: forget, retain, the tuning accuracy set and
 * the tuning non-members. Built next to the reported test and unseen sets only to prove, on
 * construction, that it shares no sample with them: a wiring mistake fails loudly instead of
 * leaking the reported sets into tuning.
 */
public final class TuningData {
  private final ImageDataset dataset;
  private final int[] forget;
  private final int[] retain;
  private final int[] accuracy;
  private final int[] nonMembers;

  TuningData(
      ImageDataset dataset,
      int[] forget,
      int[] retain,
      int[] accuracy,
      int[] nonMembers,
      int[] test,
      int[] unseen) {
    BitSet forbidden = bits(test);
    forbidden.or(bits(unseen));
    requireDisjoint("forget", forget, forbidden);
    requireDisjoint("retain", retain, forbidden);
    requireDisjoint("tuning accuracy", accuracy, forbidden);
    requireDisjoint("tuning non-members", nonMembers, forbidden);
    if (accuracy.length == 0 || nonMembers.length == 0) {
      throw new IllegalArgumentException(
          "the tuning accuracy and non-member sets must not be empty: raise --tuning-fraction");
    }
    this.dataset = dataset;
    this.forget = forget.clone();
    this.retain = retain.clone();
    this.accuracy = accuracy.clone();
    this.nonMembers = nonMembers.clone();
  }

  /**
   * The engine's view: the tuning non-members stand in for {@code unseen} (DLFD's monitor reads it)
   * and the tuning accuracy set is the validation set.
   */
  public UnlearningData unlearningData() {
    return new UnlearningData(dataset, forget, retain, nonMembers, accuracy);
  }

  public ImageDataset dataset() {
    return dataset;
  }

  public int[] forget() {
    return forget.clone();
  }

  public int[] accuracy() {
    return accuracy.clone();
  }

  public int[] nonMembers() {
    return nonMembers.clone();
  }

  /** Every sample index this object can hand out, for checks. */
  public int[] allIndices() {
    return java.util.stream.IntStream.concat(
            java.util.stream.IntStream.concat(Arrays.stream(forget), Arrays.stream(retain)),
            java.util.stream.IntStream.concat(Arrays.stream(accuracy), Arrays.stream(nonMembers)))
        .toArray();
  }

  private static BitSet bits(int[] indices) {
    BitSet b = new BitSet();
    for (int i : indices) {
      b.set(i);
    }
    return b;
  }

  private static void requireDisjoint(String what, int[] indices, BitSet forbidden) {
    for (int i : indices) {
      if (forbidden.get(i)) {
        throw new IllegalStateException(
            "the "
                + what
                + " set contains sample "
                + i
                + " of the reported test/unseen sets: tuning would see them");
      }
    }
  }
}
