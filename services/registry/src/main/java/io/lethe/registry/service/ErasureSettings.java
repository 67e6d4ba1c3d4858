package io.lethe.registry.service;

import io.lethe.service.config.ConfigException;
import io.lethe.service.config.Env;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * When the registry erases what a completed forgetting leaves behind.
 *
 * @param purgeGrace how long a superseded version that still encodes forgotten subjects stays
 *     downloadable before its parameters are deleted ({@code REGISTRY_PURGE_GRACE}, ISO-8601,
 *     default {@code PT24H}; {@code PT0S} purges at the first sweep). An admin can purge earlier
 *     ({@code POST .../versions/{v}/purge}).
 * @param sweepInterval how often the sweep runs ({@code REGISTRY_ERASURE_SWEEP_INTERVAL}, default
 *     {@code PT1M}); it also runs right after every promotion
 */
public record ErasureSettings(Duration purgeGrace, Duration sweepInterval) {
  public static final String PURGE_GRACE = "REGISTRY_PURGE_GRACE";
  public static final String SWEEP_INTERVAL = "REGISTRY_ERASURE_SWEEP_INTERVAL";
  static final Duration MAX_GRACE = Duration.ofDays(365);
  static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  public static final ErasureSettings DEFAULTS =
      new ErasureSettings(Duration.ofHours(24), Duration.ofMinutes(1));

  public ErasureSettings {
    Objects.requireNonNull(purgeGrace, PURGE_GRACE);
    Objects.requireNonNull(sweepInterval, SWEEP_INTERVAL);
    if (purgeGrace.isNegative() || purgeGrace.compareTo(MAX_GRACE) > 0) {
      throw new ConfigException(PURGE_GRACE + " must be in [PT0S, P365D], got " + purgeGrace);
    }
    if (sweepInterval.compareTo(MIN_INTERVAL) < 0
        || sweepInterval.compareTo(Duration.ofDays(1)) > 0) {
      throw new ConfigException(SWEEP_INTERVAL + " must be in [PT0.1S, P1D], got " + sweepInterval);
    }
  }

  static ErasureSettings fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new ErasureSettings(
        env.duration(PURGE_GRACE, DEFAULTS.purgeGrace()),
        env.duration(SWEEP_INTERVAL, DEFAULTS.sweepInterval()));
  }
}
