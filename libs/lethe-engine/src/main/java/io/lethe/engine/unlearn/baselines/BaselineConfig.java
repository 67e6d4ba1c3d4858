package io.lethe.engine.unlearn.baselines;

import java.util.Map;

/** What every baseline config has: the shared training settings and all settings as values. */
public interface BaselineConfig {
  /** Optimiser, learning rate, batch size, epochs, seed. */
  TrainingSettings training();

  /** Every setting as a plain value, for checkpoint manifests. */
  Map<String, Object> describe();
}
