package io.lethe.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrySettingsTest {
  @Test
  void unsetVariablesKeepTheDefaults() {
    assertThat(RetrySettings.fromEnv(Map.of())).isEqualTo(RetrySettings.DEFAULTS);
    assertThat(RetrySettings.DEFAULTS.maxDuration()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void readsIsoDurationsAndAJitterFraction() {
    RetrySettings s =
        RetrySettings.fromEnv(
            Map.of(
                RetrySettings.INITIAL_DELAY, "PT0.5S",
                RetrySettings.MAX_DELAY, "PT30S",
                RetrySettings.JITTER, "0.2",
                RetrySettings.MAX_DURATION, "PT2H"));
    assertThat(s)
        .isEqualTo(
            new RetrySettings(
                Duration.ofMillis(500), Duration.ofSeconds(30), 0.2, Duration.ofHours(2)));
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> RetrySettings.fromEnv(Map.of(RetrySettings.MAX_DELAY, "60")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(RetrySettings.MAX_DELAY);
    assertThatThrownBy(() -> RetrySettings.fromEnv(Map.of(RetrySettings.JITTER, "1.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(RetrySettings.JITTER);
    assertThatThrownBy(() -> RetrySettings.fromEnv(Map.of(RetrySettings.MAX_DURATION, "PT10S")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(RetrySettings.MAX_DURATION);
  }
}
