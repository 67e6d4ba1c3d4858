package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UnlearningMethod;
import java.util.Map;
import java.util.Objects;

/**
 * A baseline method's name and config; its hyperparameters are the config's settings.
 *
 * @param <C> the method's config
 */
public abstract class Baseline<C extends BaselineConfig> implements UnlearningMethod {
  private final String name;
  protected final C config;

  protected Baseline(String name, C config) {
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Object> hyperparameters() {
    return config.describe();
  }
}
