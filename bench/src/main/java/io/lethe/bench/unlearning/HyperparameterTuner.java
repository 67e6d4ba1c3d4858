package io.lethe.bench.unlearning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grid search on the tuning data: runs every candidate of a method's grid, keeps the one with the
 * best validation NoMUS (the first on ties, so the order of the grid decides). The trial only ever
 * receives a {@link TuningData}, which cannot contain a test or unseen sample.
 */
public final class HyperparameterTuner {
  /** Runs one candidate from the original model and scores it on the tuning sets. */
  @FunctionalInterface
  public interface Trial {
    TuningScore run(BenchMethod method, Map<String, Object> settings, TuningData data);
  }

  /** One candidate and its score. */
  public record Attempt(Map<String, Object> settings, TuningScore score) {}

  /** The winner and every attempt, for run.json. */
  public record Choice(String method, Map<String, Object> settings, List<Attempt> attempts) {}

  private final Trial trial;

  public HyperparameterTuner(Trial trial) {
    this.trial = trial;
  }

  /** The best of {@code method.grid()}; its defaults when the grid is empty. */
  public Choice tune(BenchMethod method, TuningData data) {
    if (method.grid().isEmpty()) {
      return new Choice(method.key(), Map.of(), List.of());
    }
    List<Attempt> attempts = new ArrayList<>();
    Attempt best = null;
    for (Map<String, Object> candidate : method.grid()) {
      Attempt a = new Attempt(candidate, trial.run(method, candidate, data));
      attempts.add(a);
      if (best == null || a.score().objective() > best.score().objective()) {
        best = a;
      }
    }
    return new Choice(method.key(), best.settings(), attempts);
  }
}
