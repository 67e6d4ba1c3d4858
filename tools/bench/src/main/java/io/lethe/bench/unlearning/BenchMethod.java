package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningMethods;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the benchmark: how to build the method for a seed and settings, its defaults and its
 * tuning grid. Retraining is a row too but is not an {@link UnlearningMethod}: it is run by the
 * benchmark itself, with the original's recipe, and has nothing to tune.
 *
 * @param key command-line name ("finetune", "dlfd", "dlfd-ot-only", ...)
 * @param label name in the tables
 * @param defaults settings used without tuning (on top of the engine's own defaults)
 * @param grid the candidate settings tried by {@code --tune grid} (empty: nothing to tune)
 * @param variant the DLFD variant, or null for retraining and the baselines
 */
public record BenchMethod(
    String key,
    String label,
    Map<String, Object> defaults,
    List<Map<String, Object>> grid,
    DlfdVariant variant) {
  public static final String RETRAIN = "retrain";

  public BenchMethod {
    Objects.requireNonNull(key, "key");
    defaults = Map.copyOf(defaults);
    grid = grid.stream().map(Map::copyOf).toList();
  }

  public boolean isRetrain() {
    return key.equals(RETRAIN);
  }

  public boolean isDlfd() {
    return variant != null;
  }

  /** The method seeded with {@code seed}, with {@code settings} over the defaults. */
  public UnlearningMethod create(int seed, Map<String, Object> settings) {
    if (isRetrain()) {
      throw new IllegalStateException("retraining is run by the benchmark, not built here");
    }
    Map<String, Object> merged = new LinkedHashMap<>(defaults);
    merged.putAll(settings);
    merged.put("seed", seed);
    return isDlfd()
        ? new Dlfd(DlfdSettings.config(variant, merged))
        : UnlearningMethods.byName(key, merged);
  }
}
