package io.lethe.engine.data;

import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The seeded, subject-level split for datasets that do not ship one (or ship no unseen part). Whole
 * subjects go to one part, never single images, because a person's photos in both train and test
 * would leak identity into utility and into the membership-inference attack.
 *
 * <p>Rule: the distinct subject ids are sorted and shuffled with the seed; the first {@code
 * round(unseenFraction * n)} subjects become {@link Split#UNSEEN}, the next {@code
 * round(testFraction * n)} {@link Split#TEST}, the rest {@link Split#TRAIN}. A non-zero fraction
 * always yields at least one subject, and at least one subject must be left for training.
 *
 * <p>When the data declares a split for every sample, it is kept; if it declares no UNSEEN sample,
 * {@code unseenFraction} of the TRAIN subjects (same rule, no test part) become UNSEEN, because the
 * attack needs non-members. Declaring a split for some samples but not others is an error.
 *
 * @param testFraction fraction of subjects held out as TEST, in [0,1)
 * @param unseenFraction fraction of subjects held out as UNSEEN, in [0,1)
 * @param seed drives the shuffle: the same subjects and seed always give the same split
 */
public record SubjectSplit(double testFraction, double unseenFraction, long seed) {
  private static final long SPLIT_STREAM = 201;

  public SubjectSplit {
    checkFraction("test fraction", testFraction);
    checkFraction("unseen fraction", unseenFraction);
    if (testFraction + unseenFraction >= 1) {
      throw new IllegalArgumentException(
          "test fraction + unseen fraction must leave subjects for training, got "
              + testFraction
              + " + "
              + unseenFraction);
    }
  }

  private static void checkFraction(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0,1), got " + value);
    }
  }

  /**
   * The split of every sample.
   *
   * @param subjectOf subject id per sample
   * @param declared split per sample as the data declares it, {@code null} where it declares none
   * @throws DatasetException if only some samples declare a split, or if there are too few subjects
   *     for the fractions
   */
  public List<Split> complete(List<String> subjectOf, List<Split> declared) {
    if (subjectOf.size() != declared.size()) {
      throw new IllegalArgumentException(
          subjectOf.size() + " subjects but " + declared.size() + " declared splits");
    }
    long missing = declared.stream().filter(s -> s == null).count();
    if (missing == declared.size()) {
      Map<String, Split> bySubject = assign(new TreeSet<>(subjectOf), testFraction);
      return subjectOf.stream().map(bySubject::get).toList();
    }
    if (missing > 0) {
      throw new DatasetException(
          missing
              + " of "
              + declared.size()
              + " images have no split while the others have one: declare a split for all of"
              + " them or for none (then subjects are split by --test-fraction/--unseen-fraction)");
    }
    if (declared.contains(Split.UNSEEN) || unseenFraction == 0) {
      return List.copyOf(declared);
    }
    TreeSet<String> train = new TreeSet<>();
    for (int i = 0; i < declared.size(); i++) {
      if (declared.get(i) == Split.TRAIN) {
        train.add(subjectOf.get(i));
      }
    }
    Map<String, Split> bySubject = assign(train, 0);
    List<Split> out = new ArrayList<>(declared.size());
    for (int i = 0; i < declared.size(); i++) {
      out.add(declared.get(i) == Split.TRAIN ? bySubject.get(subjectOf.get(i)) : declared.get(i));
    }
    return out;
  }

  private Map<String, Split> assign(TreeSet<String> subjects, double test) {
    int n = subjects.size();
    int unseen = atLeastOneIfPositive(unseenFraction, n);
    int tests = atLeastOneIfPositive(test, n);
    if (unseen + tests >= n) {
      throw new DatasetException(
          n
              + " subject(s) are too few for "
              + unseen
              + " unseen + "
              + tests
              + " test subject(s) and at least one train subject: add subjects, lower the"
              + " fractions, or check the subject pattern/column (is every image its own subject?)");
    }
    List<String> order =
        Indices.shuffled(new ArrayList<>(subjects), Indices.deriveSeed(seed, SPLIT_STREAM));
    Map<String, Split> bySubject = new HashMap<>();
    for (int k = 0; k < n; k++) {
      bySubject.put(
          order.get(k), k < unseen ? Split.UNSEEN : k < unseen + tests ? Split.TEST : Split.TRAIN);
    }
    return bySubject;
  }

  private static int atLeastOneIfPositive(double fraction, int n) {
    return fraction == 0 ? 0 : Math.max(1, (int) Math.round(fraction * n));
  }
}
