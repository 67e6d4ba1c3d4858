package io.lethe.engine.data;

import io.lethe.format.data.Split;
import java.util.Locale;

/**
 * Deterministic pseudo-subjects for datasets without person ids (MNIST, Fashion-MNIST).
 *
 * <p>Unlearning in Lethe forgets <em>subjects</em> (people), and the membership-inference attack
 * needs subjects that were never trained on. IDX files have no such ids, so we invent them:
 *
 * <ol>
 *   <li>The train pool (after any limit) is shuffled with the seed; consecutive chunks of {@code
 *       samplesPerSubject} shuffled samples form subjects {@code s0000, s0001, ...}. A subject thus
 *       owns images of several classes, like a person photographed in several situations. The last
 *       subject is smaller when the pool does not divide evenly.
 *   <li>The subjects are shuffled with an independent seed stream; the first {@code
 *       round(unseenFraction * n)} become {@link Split#UNSEEN} (never trained on: the attack's
 *       non-members), the next {@code round(validationFraction * n)} {@link Split#VALIDATION}, the
 *       rest {@link Split#TRAIN}. A non-zero fraction always yields at least one subject.
 *   <li>The official test pool is chunked the same way into subjects {@code t0000, t0001, ...}, a
 *       namespace disjoint from train subjects, all {@link Split#TEST}.
 * </ol>
 *
 * The same seed and pool size always give the same assignment.
 *
 * @param samplesPerSubject images per pseudo-subject, at least 1
 * @param unseenFraction fraction of train-pool subjects held out as {@link Split#UNSEEN}
 * @param validationFraction fraction of train-pool subjects held out as {@link Split#VALIDATION}
 * @param seed drives both shuffles
 */
public record PseudoSubjects(
    int samplesPerSubject, double unseenFraction, double validationFraction, long seed) {
  private static final long CHUNK_STREAM = 101;
  private static final long SPLIT_STREAM = 102;
  private static final long TEST_STREAM = 103;

  public PseudoSubjects {
    if (samplesPerSubject < 1) {
      throw new IllegalArgumentException(
          "samplesPerSubject must be at least 1, got " + samplesPerSubject);
    }
    checkFraction("unseenFraction", unseenFraction);
    checkFraction("validationFraction", validationFraction);
    if (unseenFraction + validationFraction >= 1) {
      throw new IllegalArgumentException(
          "unseenFraction + validationFraction must leave subjects for training, got "
              + unseenFraction
              + " + "
              + validationFraction);
    }
  }

  private static void checkFraction(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0,1), got " + value);
    }
  }

  /**
   * Subject and split of every position of the train pool.
   *
   * @param subjectOf subject id per pool position
   * @param splitOf split per pool position (that of its subject)
   */
  public record Assignment(String[] subjectOf, Split[] splitOf) {}

  /** Assigns the {@code poolSize} train-pool samples to subjects and splits. */
  public Assignment assignTrainPool(int poolSize) {
    int[] subjectNumber = chunk(poolSize, Indices.deriveSeed(seed, CHUNK_STREAM));
    int subjects = subjectCount(poolSize);
    int unseen = atLeastOneIfPositive(unseenFraction, subjects);
    int validation = atLeastOneIfPositive(validationFraction, subjects);
    if (unseen + validation >= subjects) {
      throw new IllegalArgumentException(
          poolSize
              + " samples make only "
              + subjects
              + " pseudo-subjects of "
              + samplesPerSubject
              + ", too few for "
              + unseen
              + " unseen + "
              + validation
              + " validation subjects and at least one train subject");
    }
    Split[] splitOfSubject = new Split[subjects];
    int[] order = Indices.shuffled(Indices.range(subjects), Indices.deriveSeed(seed, SPLIT_STREAM));
    for (int k = 0; k < subjects; k++) {
      splitOfSubject[order[k]] =
          k < unseen ? Split.UNSEEN : k < unseen + validation ? Split.VALIDATION : Split.TRAIN;
    }
    String[] subjectOf = new String[poolSize];
    Split[] splitOf = new Split[poolSize];
    for (int i = 0; i < poolSize; i++) {
      subjectOf[i] = id("s", subjectNumber[i]);
      splitOf[i] = splitOfSubject[subjectNumber[i]];
    }
    return new Assignment(subjectOf, splitOf);
  }

  /** Subject id ({@code t0000, ...}) of every position of the test pool. */
  public String[] assignTestPool(int poolSize) {
    int[] subjectNumber = chunk(poolSize, Indices.deriveSeed(seed, TEST_STREAM));
    String[] subjectOf = new String[poolSize];
    for (int i = 0; i < poolSize; i++) {
      subjectOf[i] = id("t", subjectNumber[i]);
    }
    return subjectOf;
  }

  private int subjectCount(int poolSize) {
    return (poolSize + samplesPerSubject - 1) / samplesPerSubject;
  }

  private int[] chunk(int poolSize, long chunkSeed) {
    int[] shuffled = Indices.shuffled(Indices.range(poolSize), chunkSeed);
    int[] subjectNumber = new int[poolSize];
    for (int k = 0; k < poolSize; k++) {
      subjectNumber[shuffled[k]] = k / samplesPerSubject;
    }
    return subjectNumber;
  }

  private static int atLeastOneIfPositive(double fraction, int n) {
    if (fraction == 0) {
      return 0;
    }
    return Math.max(1, (int) Math.round(fraction * n));
  }

  private static String id(String prefix, int number) {
    return prefix + String.format(Locale.ROOT, "%04d", number);
  }
}
