package io.lethe.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import io.lethe.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka credentials from {@code X_FILE} secrets that never reach a log line. */
class SecretsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"lethe\""
          + " password=\"s3cr3t-jaas\";";

  @TempDir Path dir;

  @Test
  void kafkaSaslAndTlsApplyToEveryClientAndAreMaskedInToString() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(KafkaSettings.BOOTSTRAP_SERVERS, "broker:9093");
    env.put(KafkaSecurity.PROTOCOL, "sasl_ssl");
    env.put(KafkaSecurity.SASL_MECHANISM, "SCRAM-SHA-512");
    env.put(
        KafkaSecurity.SASL_JAAS_CONFIG + Env.FILE_SUFFIX,
        Files.writeString(dir.resolve("jaas"), JAAS + "\n").toString());
    env.put(KafkaSecurity.TRUSTSTORE_LOCATION, "/etc/kafka/ca.p12");
    env.put(
        KafkaSecurity.TRUSTSTORE_PASSWORD + Env.FILE_SUFFIX,
        Files.writeString(dir.resolve("tspw"), "trust-pw").toString());
    env.put("KAFKA_CONSUMER_SSL_KEY_PASSWORD", "consumer-key-pw");

    KafkaSettings s = KafkaSettings.fromEnv(env, "intake");

    assertThat(s.clientProperties())
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
        .containsEntry("ssl.truststore.password", "trust-pw");
    assertThat(s.withGroupId("other").clientProperties()).isEqualTo(s.clientProperties());
    assertThat(s.toString())
        .contains("SASL_SSL", "SCRAM-SHA-512", "ssl.key.password")
        .doesNotContain("s3cr3t-jaas")
        .doesNotContain("trust-pw")
        .doesNotContain("consumer-key-pw");
  }

  @Test
  void inconsistentKafkaSecurityFailsAtStartUp() {
    Map<String, String> env = new HashMap<>(Map.of(KafkaSettings.BOOTSTRAP_SERVERS, "b:9092"));
    env.put(KafkaSecurity.PROTOCOL, "SASL_SSL");
    assertThatThrownBy(() -> KafkaSettings.fromEnv(env, "x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG");
    env.put(KafkaSecurity.PROTOCOL, "TLS");
    assertThatThrownBy(() -> KafkaSettings.fromEnv(env, "x"))
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL must be one of");
    env.remove(KafkaSecurity.PROTOCOL);
    env.put("KAFKA_PRODUCER_SASL_JAAS_CONFIG", JAAS);
    assertThatThrownBy(() -> KafkaSettings.fromEnv(env, "x"))
        .hasMessageContaining("KAFKA_PRODUCER_SASL_JAAS_CONFIG cannot be set")
        .hasMessageNotContaining("s3cr3t-jaas");
    env.remove("KAFKA_PRODUCER_SASL_JAAS_CONFIG");
    assertThat(KafkaSettings.fromEnv(env, "x").clientProperties())
        .containsEntry("security.protocol", "PLAINTEXT");
  }
}
