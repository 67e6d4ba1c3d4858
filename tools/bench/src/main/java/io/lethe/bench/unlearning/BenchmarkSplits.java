package io.lethe.bench.unlearning;

import io.lethe.engine.data.Indices;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The index sets of the benchmark, fixed once per dataset so every method and seed shares them.
 *
 * <p>Before the original model is trained, a seeded share of the TRAIN subjects (plus any
 * VALIDATION samples the dataset declares) is set aside as <b>tuning subjects</b>: the original
 * never trains on them, so they are non-members like the unseen set, but they are not the unseen
 * set. They are split by subject in two halves: <i>tuning accuracy</i> (stands in for the test set
 * while tuning) and <i>tuning non-members</i> (stands in for the unseen set: the attack while
 * tuning, and DLFD's dynamic-forgetting monitor in every run). The reported test and unseen sets
 * are therefore never read by any method, nor by hyperparameter tuning.
 */
public final class BenchmarkSplits {
  private final ImageDataset dataset;
  private final SortedSet<String> tuningSubjects;
  private final int[] originalTrain;
  private final int[] tuningAccuracy;
  private final int[] tuningNonMembers;
  private final int[] test;
  private final int[] unseen;

  private BenchmarkSplits(
      ImageDataset dataset,
      SortedSet<String> tuningSubjects,
      int[] originalTrain,
      int[] tuningAccuracy,
      int[] tuningNonMembers) {
    this.dataset = dataset;
    this.tuningSubjects = tuningSubjects;
    this.originalTrain = originalTrain;
    this.tuningAccuracy = tuningAccuracy;
    this.tuningNonMembers = tuningNonMembers;
    this.test = Indices.ofSplit(dataset, Split.TEST);
    this.unseen = Indices.ofSplit(dataset, Split.UNSEEN);
    if (test.length == 0) {
      throw new IllegalArgumentException(dataset.name() + " has no TEST samples");
    }
    if (unseen.length == 0) {
      throw new IllegalArgumentException(
          dataset.name() + " has no UNSEEN samples: the attack needs never-trained subjects");
    }
  }

  /**
   * @param tuningFraction share of TRAIN subjects held out for tuning (0 allowed only if the
   *     dataset declares VALIDATION samples of at least two subjects)
   * @param seed picks the tuning subjects; fixed for the whole benchmark
   */
  public static BenchmarkSplits of(ImageDataset dataset, double tuningFraction, long seed) {
    if (!(tuningFraction >= 0 && tuningFraction < 0.9)) {
      throw new IllegalArgumentException(
          "--tuning-fraction must be in [0, 0.9), got " + tuningFraction);
    }
    List<String> trainSubjects = new ArrayList<>(UnlearningSplit.subjects(dataset, Split.TRAIN));
    int held = (int) Math.round(trainSubjects.size() * tuningFraction);
    SortedSet<String> tuning =
        new TreeSet<>(Indices.shuffled(trainSubjects, seed * 1_000_033L + 17).subList(0, held));
    tuning.addAll(UnlearningSplit.subjects(dataset, Split.VALIDATION));
    if (tuning.size() < 2) {
      throw new IllegalArgumentException(
          "hyperparameter tuning needs at least two held-out subjects: raise --tuning-fraction"
              + " (now "
              + tuningFraction
              + ", "
              + trainSubjects.size()
              + " TRAIN subjects)");
    }
    // Halve the tuning subjects: one half measures accuracy, the other plays the non-members.
    List<String> order = Indices.shuffled(new ArrayList<>(tuning), seed * 7_919L + 5);
    Set<String> accuracySubjects = new TreeSet<>(order.subList(0, order.size() / 2));
    List<Integer> train = new ArrayList<>();
    List<Integer> accuracy = new ArrayList<>();
    List<Integer> nonMembers = new ArrayList<>();
    for (Sample s : dataset.samples()) {
      boolean isTuning = tuning.contains(s.subjectId());
      if (s.split() == Split.TRAIN && !isTuning) {
        train.add(s.index());
      } else if (isTuning && (s.split() == Split.TRAIN || s.split() == Split.VALIDATION)) {
        (accuracySubjects.contains(s.subjectId()) ? accuracy : nonMembers).add(s.index());
      }
    }
    return new BenchmarkSplits(
        dataset, tuning, toArray(train), toArray(accuracy), toArray(nonMembers));
  }

  /**
   * The forget subjects of one seed: {@code count} of the original's training subjects (never a
   * tuning subject), chosen by a seeded shuffle, and the rest of its training set as retain.
   */
  public SeedSplit forSeed(int seed, int count) {
    SortedSet<String> candidates = new TreeSet<>();
    for (int i : originalTrain) {
      candidates.add(dataset.sample(i).subjectId());
    }
    if (count < 1 || count >= candidates.size()) {
      throw new IllegalArgumentException(
          "cannot forget "
              + count
              + " subjects: the original trains on "
              + candidates.size()
              + " subjects");
    }
    SortedSet<String> forget =
        new TreeSet<>(
            Indices.shuffled(new ArrayList<>(candidates), seed * 104_729L + 11).subList(0, count));
    List<Integer> f = new ArrayList<>();
    List<Integer> r = new ArrayList<>();
    for (int i : originalTrain) {
      (forget.contains(dataset.sample(i).subjectId()) ? f : r).add(i);
    }
    return new SeedSplit(seed, forget, toArray(f), toArray(r));
  }

  /** The data every unlearning run and every tuning trial of {@code split} gets. */
  public TuningData tuningData(SeedSplit split) {
    return new TuningData(
        dataset, split.forget(), split.retain(), tuningAccuracy, tuningNonMembers, test, unseen);
  }

  public ImageDataset dataset() {
    return dataset;
  }

  public SortedSet<String> tuningSubjects() {
    return tuningSubjects;
  }

  /** What the original model trains on: TRAIN minus the tuning subjects. */
  public int[] originalTrain() {
    return originalTrain.clone();
  }

  public int[] tuningAccuracy() {
    return tuningAccuracy.clone();
  }

  public int[] tuningNonMembers() {
    return tuningNonMembers.clone();
  }

  /** Reported utility: read only by the final evaluation. */
  public int[] test() {
    return test.clone();
  }

  /** Reported non-members: read only by the final evaluation. */
  public int[] unseen() {
    return unseen.clone();
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
