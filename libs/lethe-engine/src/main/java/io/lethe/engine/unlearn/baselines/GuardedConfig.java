package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.unlearn.UtilityGuardConfig;

/**
 * A baseline config that also carries the utility guard, for methods that can take utility down.
 */
public interface GuardedConfig extends BaselineConfig {
  /** The utility guard (off by default). */
  UtilityGuardConfig guard();
}
