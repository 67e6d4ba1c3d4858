package io.lethe.engine.unlearn.registry;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every method Lethe runs, each with its one list of flat settings: DLFD, retraining and the seven
 * baselines. The worker (request hyperparameters), the benchmark ({@code --set} keys), the CLI and
 * {@link io.lethe.engine.unlearn.UnlearningMethods} all build from here, so a key means the same
 * thing and is accepted everywhere its method is.
 */
public final class MethodRegistry {
  /** DLFD's configuration; the benchmark's ablation rows switch its components on top. */
  public static final MethodSpec<DlfdConfig.Builder, DlfdConfig> DLFD = DlfdSpecs.dlfd();

  /** Retraining's recipe. */
  public static final MethodSpec<TrainingRecipe.Builder, TrainingRecipe> RETRAIN =
      DlfdSpecs.retrain();

  private static final Map<String, MethodSpec<?, UnlearningMethod>> BASELINES = baselines();

  /** The baselines' names, in the order of the paper's tables. */
  public static final List<String> BASELINE_NAMES = List.copyOf(BASELINES.keySet());

  private MethodRegistry() {}

  /**
   * @param name one of {@link #BASELINE_NAMES}, case-insensitive
   * @throws IllegalArgumentException for an unknown name, listing the baselines
   */
  public static MethodSpec<?, UnlearningMethod> baseline(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    MethodSpec<?, UnlearningMethod> spec = BASELINES.get(key);
    if (spec == null) {
      throw new IllegalArgumentException(
          "unknown unlearning method '" + name + "'; baselines are " + BASELINE_NAMES);
    }
    return spec;
  }

  private static Map<String, MethodSpec<?, UnlearningMethod>> baselines() {
    Map<String, MethodSpec<?, UnlearningMethod>> m = new LinkedHashMap<>();
    for (MethodSpec<?, UnlearningMethod> spec : BaselineSpecs.all()) {
      m.put(spec.name(), spec);
    }
    return m;
  }
}
