package io.lethe.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void kafkaSettingsComeFromTheEnvironmentWithDefaultsFromTheServiceName() {
    KafkaSettings s =
        KafkaSettings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092,b:9093"), "worker");
    assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092,b:9093");
    assertThat(s.clientId()).isEqualTo("worker");
    assertThat(s.groupId()).isEqualTo("lethe-worker");

    KafkaSettings explicit =
        KafkaSettings.fromEnv(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_CLIENT_ID", "w-1",
                "KAFKA_GROUP_ID", "g"),
            "worker");
    assertThat(explicit).isEqualTo(new KafkaSettings("k:1", "w-1", "g"));
  }

  @Test
  void kafkaClientPropertiesComeFromPrefixedVariablesButNeverTheOnesThatMakeAcksDurable() {
    KafkaSettings s =
        KafkaSettings.fromEnv(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
                "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_PRODUCER_LINGER_MS", " 20 "),
            "worker");
    assertThat(s.consumerProperties()).containsExactly(Map.entry("session.timeout.ms", "6000"));
    assertThat(s.producerProperties()).containsExactly(Map.entry("linger.ms", "20"));
    assertThatThrownBy(
            () ->
                KafkaSettings.fromEnv(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "KAFKA_PRODUCER_ACKS", "1"),
                    "worker"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_PRODUCER_ACKS cannot be set");
    assertThatThrownBy(
            () ->
                KafkaSettings.fromEnv(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "127.0.0.1:9092",
                        "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT",
                        "true"),
                    "worker"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("enable.auto.commit is fixed");
  }

  @Test
  void aMissingOrMalformedKafkaVariableIsNamedInTheError() {
    assertThatThrownBy(() -> KafkaSettings.fromEnv(Map.of(), "worker"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS is not set");
    assertThatThrownBy(
            () -> KafkaSettings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost"), "worker"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
        .hasMessageContaining("'localhost'");
    assertThatThrownBy(
            () ->
                KafkaSettings.fromEnv(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "h:1", "KAFKA_GROUP_ID", "a group"),
                    "worker"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_GROUP_ID");
  }

  @Test
  void httpSettingsDefaultToLoopbackAndRequireAPort() {
    assertThat(HttpSettings.fromEnv(Map.of("HTTP_PORT", "8081")))
        .isEqualTo(new HttpSettings("127.0.0.1", 8081));
    assertThat(HttpSettings.fromEnv(Map.of("HTTP_PORT", "0", "HTTP_HOST", "0.0.0.0")).host())
        .isEqualTo("0.0.0.0");
    assertThatThrownBy(() -> HttpSettings.fromEnv(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_PORT is not set");
    assertThatThrownBy(() -> HttpSettings.fromEnv(Map.of("HTTP_PORT", "eighty")))
        .hasMessageContaining("HTTP_PORT must be a port number");
    assertThatThrownBy(() -> HttpSettings.fromEnv(Map.of("HTTP_PORT", "70000")))
        .hasMessageContaining("HTTP_PORT");
  }
}
