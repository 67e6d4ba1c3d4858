package io.lethe.engine.unlearn;

import io.lethe.engine.unlearn.registry.MethodRegistry;
import java.util.List;
import java.util.Map;

/**
 * Builds a baseline unlearning method from its name and flat settings, for the CLI, the benchmark
 * and the worker. Keys are the ones the method's {@code hyperparameters()} reports (declared once,
 * in {@link MethodRegistry}); values may be strings or typed. An unknown name, an unknown key or a
 * bad value is rejected with a message that names it and lists what is accepted.
 */
public final class UnlearningMethods {
  /** The names accepted by {@link #byName}, in the order of the paper's tables. */
  public static final List<String> BASELINES = MethodRegistry.BASELINE_NAMES;

  private UnlearningMethods() {}

  /**
   * @param name one of {@link #BASELINES}, case-insensitive
   * @param settings overrides of the method's defaults (may be empty or null)
   * @throws IllegalArgumentException for an unknown name, an unknown key or a bad value
   */
  public static UnlearningMethod byName(String name, Map<String, ?> settings) {
    return MethodRegistry.baseline(name).build(settings);
  }
}
