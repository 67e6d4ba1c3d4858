package io.lethe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldTest {
  private static final Field<Integer> THREADS =
      Field.integer("X_THREADS").optDefault(1).optRange(1, 64);
  private static final Field<Double> SCORE = Field.number("X_SCORE").optRange(0.0, 0.5);
  private static final Field<Duration> TIMEOUT =
      Field.durationOrSeconds("X_TIMEOUT").optDefault(Duration.ofHours(2));
  private static final Field<Integer> PORT = Field.port("X_PORT").optDescription("the port");

  @Test
  void unsetFieldsTakeTheirDefaultAndSetOnesAreTrimmedAndParsed() {
    Configuration config =
        new Configuration(Map.of("X_THREADS", " 4 ", "X_TIMEOUT", "90", "X_SCORE", ""));
    assertThat(config.get(THREADS)).isEqualTo(4);
    assertThat(config.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.optional(SCORE)).isEmpty();
    config.validate();
    assertThat(new Configuration(Map.of()).get(THREADS)).isEqualTo(1);
  }

  @Test
  void messagesNameTheVariableTheFormatAndTheRule() {
    assertThatThrownBy(() -> THREADS.read(Map.of("X_THREADS", "two")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("X_THREADS must be an integer, got 'two'");
    assertThatThrownBy(() -> THREADS.read(Map.of("X_THREADS", "0")))
        .hasMessage("X_THREADS must be in [1, 64], got 0");
    assertThatThrownBy(() -> SCORE.check(0.7)).hasMessage("X_SCORE must be in [0, 0.5], got 0.7");
    assertThatThrownBy(() -> PORT.read(Map.of("X_PORT", "70000")))
        .hasMessage("X_PORT must be a port number (0-65535), got 70000");
    assertThatThrownBy(() -> Field.bool("X_ON").read(Map.of("X_ON", "yes")))
        .hasMessage("X_ON must be true or false, got 'yes'");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Configuration config =
        new Configuration(Map.of("X_THREADS", "0", "X_SCORE", "NaN", "X_TIMEOUT", "soon"));
    config.get(THREADS);
    config.get(SCORE);
    config.get(TIMEOUT);
    config.required(PORT);
    assertThat(config.problems()).hasSize(4);
    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("X_THREADS must be in [1, 64], got 0")
        .hasMessageContaining("X_SCORE must be a number, got 'NaN'")
        .hasMessageContaining("X_TIMEOUT must be an ISO-8601 duration")
        .hasMessageContaining("X_PORT is not set: the port");
  }

  @Test
  void sectionsRecordTheErrorsOfOtherReaders() {
    Configuration config = new Configuration(Map.of());
    Object s3 =
        config.section(
            "S3 settings",
            () -> {
              throw new IllegalArgumentException("S3_ENDPOINT is not set");
            });
    assertThat(s3).isNull();
    assertThat(config.problems()).containsExactly("S3 settings: S3_ENDPOINT is not set");
  }
}
