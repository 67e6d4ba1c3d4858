package io.lethe.bench.unlearning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grid search on the tuning data: runs every candidate of a method's grid, keeps the one with the
 * best validation NoMUS (the first on ties, so the order of the grid decides). The trial only ever
 * receives a {@link TuningData}, which cannot contain a test or unseen sample.
 *
 * <p>With a margin, a candidate whose validation accuracy falls more than the margin below the
 * original's accuracy on the same validation set is rejected: it loses to every candidate within
 * the margin, whatever its NoMUS (a NoMUS gain bought with utility is what the margin forbids).
 * When every candidate breaks the margin, the one with the best validation accuracy is kept, and
 * the choice says so.
 */
public final class HyperparameterTuner {
  /** Runs one candidate from the original model and scores it on the tuning sets. */
  @FunctionalInterface
  public interface Trial {
    TuningScore run(BenchMethod method, Map<String, Object> settings, TuningData data);
  }

  /** The original's accuracy on the tuning accuracy set, which the margin is relative to. */
  @FunctionalInterface
  public interface OriginalAccuracy {
    double of(TuningData data);
  }

  /**
   * One candidate and its score.
   *
   * @param withinMargin false when its validation accuracy broke the margin (or it diverged)
   */
  public record Attempt(Map<String, Object> settings, TuningScore score, boolean withinMargin) {
    public Attempt(Map<String, Object> settings, TuningScore score) {
      this(settings, score, !score.diverged());
    }
  }

  /**
   * The winner and every attempt, for run.json.
   *
   * @param originalAccuracy the original's validation accuracy (NaN without a margin)
   * @param margin the margin (NaN without one)
   * @param noneWithinMargin every candidate broke the margin: the most accurate was kept
   */
  public record Choice(
      String method,
      Map<String, Object> settings,
      List<Attempt> attempts,
      double originalAccuracy,
      double margin,
      boolean noneWithinMargin) {
    public Choice(String method, Map<String, Object> settings, List<Attempt> attempts) {
      this(method, settings, attempts, Double.NaN, Double.NaN, false);
    }
  }

  private final Trial trial;
  private final double margin;
  private final OriginalAccuracy original;

  /** A tuner without a margin: validation NoMUS alone decides. */
  public HyperparameterTuner(Trial trial) {
    this.trial = trial;
    this.margin = Double.NaN;
    this.original = null;
  }

  /**
   * @param margin absolute validation accuracy a candidate may lose against the original
   * @param original measures the original on the tuning accuracy set (once per {@link #tune})
   */
  public HyperparameterTuner(Trial trial, double margin, OriginalAccuracy original) {
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("tuning margin must be in [0,1], got " + margin);
    }
    this.trial = trial;
    this.margin = margin;
    this.original = java.util.Objects.requireNonNull(original, "original");
  }

  /** The best of {@code method.grid()}; its defaults when the grid is empty. */
  public Choice tune(BenchMethod method, TuningData data) {
    if (method.grid().isEmpty()) {
      return new Choice(method.key(), Map.of(), List.of());
    }
    double floor = original == null ? Double.NEGATIVE_INFINITY : Double.NaN;
    double originalAccuracy = Double.NaN;
    if (original != null) {
      originalAccuracy = original.of(data);
      floor = originalAccuracy - margin;
    }
    List<Attempt> attempts = new ArrayList<>();
    Attempt best = null;
    Attempt mostAccurate = null;
    for (Map<String, Object> candidate : method.grid()) {
      TuningScore score = trial.run(method, candidate, data);
      Attempt a = new Attempt(candidate, score, !score.diverged() && score.accuracy() >= floor);
      attempts.add(a);
      if (a.withinMargin() && (best == null || score.objective() > best.score().objective())) {
        best = a;
      }
      if (!score.diverged()
          && (mostAccurate == null || score.accuracy() > mostAccurate.score().accuracy())) {
        mostAccurate = a;
      }
    }
    boolean none = best == null;
    if (none) {
      // Nothing within the margin: the candidate that lost least utility (or the first, when every
      // candidate diverged).
      best = mostAccurate != null ? mostAccurate : attempts.get(0);
    }
    return new Choice(
        method.key(),
        best.settings(),
        attempts,
        originalAccuracy,
        margin,
        none && original != null);
  }
}
