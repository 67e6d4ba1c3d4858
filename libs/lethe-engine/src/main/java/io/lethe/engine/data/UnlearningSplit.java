package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The index sets of one unlearning request on an {@link ImageDataset}: forget (every TRAIN sample
 * of the subjects to forget), retain (the rest of TRAIN), test, unseen and validation. Forgetting
 * works on whole subjects, never single images, because a person asks to be forgotten, not a photo.
 * All arrays hold dataset positions in ascending order; accessors return copies.
 */
public final class UnlearningSplit {
  private final SortedSet<String> forgetSubjects;
  private final int[] forget;
  private final int[] retain;
  private final int[] test;
  private final int[] unseen;
  private final int[] validation;

  private UnlearningSplit(
      SortedSet<String> forgetSubjects,
      int[] forget,
      int[] retain,
      int[] test,
      int[] unseen,
      int[] validation) {
    this.forgetSubjects = Collections.unmodifiableSortedSet(forgetSubjects);
    this.forget = forget;
    this.retain = retain;
    this.test = test;
    this.unseen = unseen;
    this.validation = validation;
  }

  /**
   * Splits {@code ds} for forgetting {@code forgetSubjects}.
   *
   * @throws IllegalArgumentException if a subject has no TRAIN sample (the unknown ids are listed),
   *     if nothing would be forgotten, or if the dataset has no UNSEEN samples (the
   *     membership-inference attack needs non-members)
   */
  public static UnlearningSplit of(ImageDataset ds, Set<String> forgetSubjects) {
    Objects.requireNonNull(ds, "ds");
    SortedSet<String> wanted = new TreeSet<>(forgetSubjects);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException(
          "forget set of " + ds.name() + " would be empty: name at least one subject");
    }
    SortedSet<String> unknown = new TreeSet<>(wanted);
    unknown.removeAll(subjects(ds, Split.TRAIN));
    if (!unknown.isEmpty()) {
      // Counted, not named: the message may reach a service's log, and a subject id is personal.
      throw new IllegalArgumentException(
          unknown.size()
              + " of the "
              + wanted.size()
              + " subject(s) have no TRAIN samples in "
              + ds.name()
              + ": cannot forget them");
    }
    List<Integer> forget = new ArrayList<>();
    List<Integer> retain = new ArrayList<>();
    for (Sample s : ds.samples()) {
      if (s.split() == Split.TRAIN) {
        (wanted.contains(s.subjectId()) ? forget : retain).add(s.index());
      }
    }
    int[] unseen = Indices.ofSplit(ds, Split.UNSEEN);
    if (unseen.length == 0) {
      throw new IllegalArgumentException(
          ds.name()
              + " has no UNSEEN samples: the membership-inference attack needs subjects never"
              + " trained on (set an unseen subject fraction or an unseen manifest)");
    }
    return new UnlearningSplit(
        wanted,
        toArray(forget),
        toArray(retain),
        Indices.ofSplit(ds, Split.TEST),
        unseen,
        Indices.ofSplit(ds, Split.VALIDATION));
  }

  /** The distinct subjects with at least one sample in {@code split}, sorted. */
  public static SortedSet<String> subjects(ImageDataset ds, Split split) {
    SortedSet<String> r = new TreeSet<>();
    for (Sample s : ds.samples()) {
      if (s.split() == split) {
        r.add(s.subjectId());
      }
    }
    return r;
  }

  /**
   * {@code n} TRAIN subjects chosen by a seeded shuffle of the sorted subject list: the same
   * dataset and seed always pick the same people, so experiments can be repeated.
   */
  public static SortedSet<String> pickSubjects(ImageDataset ds, int n, long seed) {
    List<String> all = new ArrayList<>(subjects(ds, Split.TRAIN));
    if (n < 1 || n > all.size()) {
      throw new IllegalArgumentException(
          "cannot pick "
              + n
              + " forget subjects: "
              + ds.name()
              + " has "
              + all.size()
              + " TRAIN subjects");
    }
    return new TreeSet<>(Indices.shuffled(all, seed).subList(0, n));
  }

  /** The subjects being forgotten. */
  public SortedSet<String> forgetSubjects() {
    return forgetSubjects;
  }

  public int[] forget() {
    return forget.clone();
  }

  public int[] retain() {
    return retain.clone();
  }

  public int[] test() {
    return test.clone();
  }

  public int[] unseen() {
    return unseen.clone();
  }

  public int[] validation() {
    return validation.clone();
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
