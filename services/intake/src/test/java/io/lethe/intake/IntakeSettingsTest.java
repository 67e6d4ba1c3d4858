package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import io.lethe.testutils.auth.TestTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntakeSettingsTest {
  private final Map<String, String> env =
      new HashMap<>(
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
              "HTTP_PORT", "8080",
              "INTAKE_MODEL_CATALOG", "/etc/lethe/catalog.json",
              "LETHE_API_TOKENS", TestTokens.config()));

  @Test
  void loadsTheApiTokensAndRefusesToStartWithoutAny() {
    assertThat(IntakeSettings.fromEnv(env).auth().tokens().names())
        .containsExactly("test-admin", "test-read", "test-submit");

    env.remove("LETHE_API_TOKENS");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LETHE_API_TOKENS_FILE")
        .hasMessageContaining("LETHE_AUTH=off");
    env.put("LETHE_AUTH", "off");
    assertThat(IntakeSettings.fromEnv(env).auth().enabled()).isFalse();
  }

  @Test
  void readsTheEnvironmentWithDefaults() {
    IntakeSettings s = IntakeSettings.fromEnv(env);

    assertThat(s.coalesceWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.modelCatalog()).isEqualTo(Path.of("/etc/lethe/catalog.json"));
    assertThat(s.kafka().groupId()).isEqualTo("lethe-intake");
    assertThat(s.http().port()).isEqualTo(8080);

    env.put("INTAKE_COALESCE_WINDOW", "PT0.5S");
    assertThat(IntakeSettings.fromEnv(env).coalesceWindow()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void namesTheBadVariable() {
    env.put("INTAKE_COALESCE_WINDOW", "5s");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("INTAKE_COALESCE_WINDOW");
    env.put("INTAKE_COALESCE_WINDOW", "PT0S");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env)).hasMessageContaining("positive");
    env.remove("INTAKE_COALESCE_WINDOW");
    env.remove("INTAKE_MODEL_CATALOG");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("INTAKE_MODEL_CATALOG");
  }

  @Test
  void registrySelectsTheRegistryCatalogWithItsS3SettingsAndRefresh() {
    env.put("INTAKE_MODEL_CATALOG", "registry");
    env.put("S3_ENDPOINT", "http://127.0.0.1:9000");
    env.put("S3_ACCESS_KEY", "a");
    env.put("S3_SECRET_KEY", "s");
    env.put("S3_DATASET_BUCKET", "lethe-datasets");

    IntakeSettings s = IntakeSettings.fromEnv(env);

    assertThat(s.modelCatalog()).isNull();
    assertThat(s.registryCatalog().models().bucket()).isEqualTo("lethe-models");
    assertThat(s.registryCatalog().datasets().bucket()).isEqualTo("lethe-datasets");
    assertThat(s.registryCatalog().refresh()).isEqualTo(Duration.ofSeconds(30));

    env.put("INTAKE_CATALOG_REFRESH", "PT0.1S");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("INTAKE_CATALOG_REFRESH");
    env.remove("INTAKE_CATALOG_REFRESH");
    env.remove("S3_SECRET_KEY");
    assertThatThrownBy(() -> IntakeSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("S3_SECRET_KEY");
  }
}
