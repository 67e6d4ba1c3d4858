package io.lethe.service.config;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a consumer retries a record whose handler failed transiently (see {@code
 * io.lethe.service.failure.FailureClassifier}): exponential backoff from {@code initialDelay},
 * doubling up to {@code maxDelay}, each delay randomised by {@code ±jitter} (a fraction) so
 * replicas that failed together do not retry together; after {@code maxDuration} of failing the
 * record is given up on and dead-lettered ({@code gave_up}), so one record cannot block its
 * partition forever.
 *
 * <p><b>Why the default budget is a whole day.</b> A deletion request is a legal obligation: giving
 * up on it because S3 or the broker was down for an afternoon would drop a deletion on the floor
 * (it would sit in the dead-letter topic until someone replays it). A day outlasts any outage we
 * plan for and still bounds the stall; readiness turns 503 long before that ({@code
 * optTransientStreakLimit} of the consumer), so the outage is paged on, not waited out silently.
 *
 * @param initialDelay first delay (default 1 s)
 * @param maxDelay longest delay between two attempts (default 60 s)
 * @param jitter randomisation factor in [0, 1) (default 0.5)
 * @param maxDuration total time a record may keep failing transiently (default 24 h)
 */
public record RetrySettings(
    Duration initialDelay, Duration maxDelay, double jitter, Duration maxDuration) {
  public static final String INITIAL_DELAY = "CONSUMER_RETRY_INITIAL_DELAY";
  public static final String MAX_DELAY = "CONSUMER_RETRY_MAX_DELAY";
  public static final String JITTER = "CONSUMER_RETRY_JITTER";
  public static final String MAX_DURATION = "CONSUMER_RETRY_MAX_DURATION";

  /** 1 s → 60 s, jitter 0.5, given up after 24 h. */
  public static final RetrySettings DEFAULTS =
      new RetrySettings(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.5, Duration.ofHours(24));

  public RetrySettings {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxDuration, "maxDuration");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new ConfigException(INITIAL_DELAY + " must be positive, got " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) <= 0) {
      throw new ConfigException(
          MAX_DELAY
              + " ("
              + maxDelay
              + ") must be longer than "
              + INITIAL_DELAY
              + " ("
              + initialDelay
              + ")");
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new ConfigException(JITTER + " must be in [0, 1), got " + jitter);
    }
    if (maxDuration.compareTo(maxDelay) <= 0) {
      throw new ConfigException(
          MAX_DURATION
              + " ("
              + maxDuration
              + ") must be longer than "
              + MAX_DELAY
              + " ("
              + maxDelay
              + ")");
    }
  }

  /** From the process environment; see {@link #fromEnv(Map)}. */
  public static RetrySettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * Each of {@value #INITIAL_DELAY}, {@value #MAX_DELAY}, {@value #MAX_DURATION} (ISO-8601
   * durations such as {@code PT1S}, {@code PT24H}) and {@value #JITTER} is optional; unset ones
   * keep {@link #DEFAULTS}.
   *
   * @throws ConfigException naming the variable that is malformed or inconsistent
   */
  public static RetrySettings fromEnv(Map<String, String> vars) {
    return fromEnv(vars, DEFAULTS);
  }

  /** Like {@link #fromEnv(Map)}, with a service's own defaults for unset variables. */
  public static RetrySettings fromEnv(Map<String, String> vars, RetrySettings defaults) {
    Configuration config = new Configuration(vars);
    Duration initialDelay =
        config.get(Field.duration(INITIAL_DELAY).optDefault(defaults.initialDelay()));
    Duration maxDelay = config.get(Field.duration(MAX_DELAY).optDefault(defaults.maxDelay()));
    double jitter =
        config.get(
            Field.of(JITTER, "a number in [0, 1)", Double::parseDouble)
                .optDefault(defaults.jitter()));
    Duration maxDuration =
        config.get(Field.duration(MAX_DURATION).optDefault(defaults.maxDuration()));
    return config.build(() -> new RetrySettings(initialDelay, maxDelay, jitter, maxDuration));
  }
}
