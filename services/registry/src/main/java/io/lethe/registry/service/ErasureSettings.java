package io.lethe.registry.service;

import io.lethe.config.Configuration;
import io.lethe.config.Field;
import java.time.Duration;
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

  static final Field<Duration> PURGE_GRACE_FIELD =
      Field.duration(PURGE_GRACE)
          .optDefault(Duration.ofHours(24))
          .optCheck(g -> !g.isNegative() && g.compareTo(MAX_GRACE) <= 0, "be in [PT0S, P365D]");
  static final Field<Duration> SWEEP_INTERVAL_FIELD =
      Field.duration(SWEEP_INTERVAL)
          .optDefault(Duration.ofMinutes(1))
          .optRange(MIN_INTERVAL, Duration.ofDays(1), "be in [PT0.1S, P1D]");
  public static final ErasureSettings DEFAULTS =
      new ErasureSettings(
          PURGE_GRACE_FIELD.defaultValue().orElseThrow(),
          SWEEP_INTERVAL_FIELD.defaultValue().orElseThrow());

  public ErasureSettings {
    Objects.requireNonNull(purgeGrace, PURGE_GRACE);
    Objects.requireNonNull(sweepInterval, SWEEP_INTERVAL);
    PURGE_GRACE_FIELD.check(purgeGrace);
    SWEEP_INTERVAL_FIELD.check(sweepInterval);
  }

  /** Reads both durations into {@code config} (recording what is wrong there). */
  static ErasureSettings fromEnv(Configuration config) {
    return new ErasureSettings(config.get(PURGE_GRACE_FIELD), config.get(SWEEP_INTERVAL_FIELD));
  }
}
