package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import io.lethe.testutils.auth.TestTokens;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    env.put("S3_ENDPOINT", "http://127.0.0.1:9000");
    env.put("S3_ACCESS_KEY", "key");
    env.put("S3_SECRET_KEY", "secret");
    env.put("REGISTRY_API_PORT", "8080");
    env.put("LETHE_API_TOKENS", TestTokens.config());
    return env;
  }

  @Test
  void loadsTheApiTokensAndRefusesToStartWithoutAny() {
    assertThat(RegistrySettings.fromEnv(env()).auth().tokens().size()).isEqualTo(3);
    Map<String, String> env = env();
    env.remove("LETHE_API_TOKENS");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("no API token is configured");
    env.put("LETHE_API_TOKENS", "ops:admin:sha256:nothex");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("LETHE_API_TOKENS line 1")
        .hasMessageNotContaining("nothex");
  }

  @Test
  void defaults() {
    RegistrySettings s = RegistrySettings.fromEnv(env());

    assertThat(s.kafka().groupId()).isEqualTo("lethe-registry");
    assertThat(s.alias()).isEqualTo("production");
    assertThat(s.autoPromote()).isTrue();
    assertThat(s.ioThreads()).isEqualTo(4);
    assertThat(s.api().host()).isEqualTo("127.0.0.1");
    assertThat(s.api().port()).isEqualTo(8080);
    assertThat(s.s3().bucket()).isEqualTo("lethe-models");
    assertThat(s.erasure().purgeGrace()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(s.erasure().sweepInterval()).isEqualTo(java.time.Duration.ofMinutes(1));
  }

  @Test
  void everySettingFromTheEnvironment() {
    Map<String, String> env = env();
    env.put("HTTP_HOST", "0.0.0.0");
    env.put("REGISTRY_ALIAS", "staging");
    env.put("REGISTRY_AUTO_PROMOTE", "FALSE");
    env.put("REGISTRY_IO_THREADS", "2");
    env.put("KAFKA_GROUP_ID", "lethe-registry-blue");
    env.put("REGISTRY_PURGE_GRACE", "PT0S");
    env.put("REGISTRY_ERASURE_SWEEP_INTERVAL", "PT5S");

    RegistrySettings s = RegistrySettings.fromEnv(env);

    assertThat(s.erasure().purgeGrace()).isZero();
    assertThat(s.erasure().sweepInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(s.api().host()).isEqualTo("0.0.0.0");
    assertThat(s.alias()).isEqualTo("staging");
    assertThat(s.autoPromote()).isFalse();
    assertThat(s.ioThreads()).isEqualTo(2);
    assertThat(s.kafka().groupId()).isEqualTo("lethe-registry-blue");
    env.put("REGISTRY_API_HOST", "10.0.0.5");
    assertThat(RegistrySettings.fromEnv(env).api().host()).isEqualTo("10.0.0.5");
  }

  @Test
  void badValuesNameTheVariable() {
    Map<String, String> env = env();
    env.put("REGISTRY_AUTO_PROMOTE", "yes");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REGISTRY_AUTO_PROMOTE");
    env.remove("REGISTRY_AUTO_PROMOTE");
    env.put("REGISTRY_ALIAS", "Production");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env)).hasMessageContaining("REGISTRY_ALIAS");
    env.remove("REGISTRY_ALIAS");
    env.put("REGISTRY_IO_THREADS", "0");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_IO_THREADS");
    env.remove("REGISTRY_IO_THREADS");
    env.put("REGISTRY_PURGE_GRACE", "24h");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_PURGE_GRACE")
        .hasMessageContaining("PT24H");
    env.put("REGISTRY_PURGE_GRACE", "-PT1S");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_PURGE_GRACE");
    env.remove("REGISTRY_PURGE_GRACE");
    env.put("REGISTRY_ERASURE_SWEEP_INTERVAL", "PT0S");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_ERASURE_SWEEP_INTERVAL");
    env.remove("REGISTRY_ERASURE_SWEEP_INTERVAL");
    env.put("REGISTRY_API_PORT", "70000");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_API_PORT");
    env.remove("REGISTRY_API_PORT");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("REGISTRY_API_PORT is not set");
    env.put("REGISTRY_API_PORT", "0");
    env.remove("S3_ENDPOINT");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env)).hasMessageContaining("S3_ENDPOINT");
    env.put("S3_ENDPOINT", "http://127.0.0.1:9000");
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(env))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
  }
}
