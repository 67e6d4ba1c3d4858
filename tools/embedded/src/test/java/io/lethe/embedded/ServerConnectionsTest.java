package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.registry.store.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline reads its servers as the services do: S3 keys from {@code S3_*_KEY} or from the
 * files {@code S3_*_KEY_FILE} name (compose's secrets), with an error naming the variable when both
 * are given or the file is missing or empty.
 */
class ServerConnectionsTest {
  @TempDir Path dir;

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("S3_ENDPOINT", "http://s3:80");
    return env;
  }

  @Test
  void keysFromFilesTrimmed() throws Exception {
    Map<String, String> env = env();
    env.put("S3_ACCESS_KEY_FILE", Files.writeString(dir.resolve("a"), "lethe-abc\n").toString());
    env.put("S3_SECRET_KEY_FILE", Files.writeString(dir.resolve("s"), " s3cr3t \n").toString());

    ServerConnections c = ServerConnections.fromEnvironment(env).orElseThrow();
    assertThat(c.kafkaBootstrapServers()).isEqualTo("kafka:9092");
    assertThat(c.s3Endpoint()).isEqualTo("http://s3:80");
    assertThat(c.s3AccessKey()).isEqualTo("lethe-abc");
    assertThat(c.s3SecretKey()).isEqualTo("s3cr3t");
    assertThat(c.s3Region()).isEqualTo("us-east-1");

    S3Settings s3 = ServerConnections.s3FromEnvironment(env, "my-bucket").orElseThrow();
    assertThat(s3.accessKey()).isEqualTo("lethe-abc");
    assertThat(s3.secretKey()).isEqualTo("s3cr3t");
    assertThat(s3.bucket()).isEqualTo("my-bucket");
  }

  @Test
  void keysFromVariablesStillWork() {
    Map<String, String> env = env();
    env.put("S3_ACCESS_KEY", "plain");
    env.put("S3_SECRET_KEY", "secret");
    env.put("S3_REGION", "eu-west-1");
    ServerConnections c = ServerConnections.fromEnvironment(env).orElseThrow();
    assertThat(c.s3AccessKey()).isEqualTo("plain");
    assertThat(c.s3SecretKey()).isEqualTo("secret");
    assertThat(c.s3Region()).isEqualTo("eu-west-1");
  }

  @Test
  void bothTheVariableAndItsFileIsAnErrorNamingThem() throws Exception {
    Map<String, String> env = env();
    env.put("S3_ACCESS_KEY", "plain");
    env.put("S3_SECRET_KEY", "inline-secret");
    env.put("S3_SECRET_KEY_FILE", Files.writeString(dir.resolve("s"), "file-secret").toString());
    assertThatThrownBy(() -> ServerConnections.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both S3_SECRET_KEY and S3_SECRET_KEY_FILE are set")
        .hasMessageNotContaining("inline-secret")
        .hasMessageNotContaining("file-secret");
    assertThatThrownBy(() -> ServerConnections.s3FromEnvironment(env, "b-1"))
        .hasMessageContaining("both S3_SECRET_KEY and S3_SECRET_KEY_FILE are set");
  }

  @Test
  void aMissingFileIsAnErrorNamingTheVariableAndPath() {
    Map<String, String> env = env();
    env.put("S3_ACCESS_KEY", "plain");
    Path missing = dir.resolve("no-such-file");
    env.put("S3_SECRET_KEY_FILE", missing.toString());
    assertThatThrownBy(() -> ServerConnections.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_SECRET_KEY_FILE names '" + missing + "'")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void anEmptyFileIsAnErrorNamingTheVariable() throws Exception {
    Map<String, String> env = env();
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    env.put("S3_ACCESS_KEY_FILE", empty.toString());
    env.put("S3_SECRET_KEY", "secret");
    assertThatThrownBy(() -> ServerConnections.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_ACCESS_KEY_FILE names '" + empty + "', which is empty");
  }

  @Test
  void anEndpointWithoutKeysNamesTheMissingKey() {
    Map<String, String> env = env();
    env.put("S3_ACCESS_KEY", "plain");
    assertThatThrownBy(() -> ServerConnections.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_SECRET_KEY (or S3_SECRET_KEY_FILE) is not set");
  }

  @Test
  void noServersGivenMeansStartOwnButOnlyOneIsAnError() {
    assertThat(ServerConnections.fromEnvironment(Map.of())).isEmpty();
    assertThat(ServerConnections.s3FromEnvironment(Map.of(), "b-1")).isEmpty();
    assertThatThrownBy(() -> ServerConnections.fromEnvironment(Map.of("S3_ENDPOINT", "http://s3")))
        .hasMessageContaining("only S3_ENDPOINT is set");
    assertThatThrownBy(
            () -> ServerConnections.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092")))
        .hasMessageContaining("only KAFKA_BOOTSTRAP_SERVERS is set");
  }
}
