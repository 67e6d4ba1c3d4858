package io.lethe.embedded;

import io.lethe.infra.LocalServers;
import io.lethe.registry.store.S3Settings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the pipeline's Kafka and S3 are: given by the environment ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}), or the
 * servers this process started ({@link LocalServers}).
 */
public record ServerConnections(
    String kafkaBootstrapServers,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String s3Region) {
  public ServerConnections {
    Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
    Objects.requireNonNull(s3Endpoint, "s3Endpoint");
    Objects.requireNonNull(s3AccessKey, "s3AccessKey");
    Objects.requireNonNull(s3SecretKey, "s3SecretKey");
    Objects.requireNonNull(s3Region, "s3Region");
  }

  /** The registry bucket {@code bucket} on this S3 server. */
  public S3Settings s3(String bucket) {
    return new S3Settings(s3Endpoint, s3AccessKey, s3SecretKey, s3Region, bucket);
  }

  /** The servers {@code servers} runs. */
  public static ServerConnections of(LocalServers servers) {
    return fromEnvironment(servers.environment()).orElseThrow();
  }

  /**
   * Both servers from {@code env}, or empty when {@code KAFKA_BOOTSTRAP_SERVERS} and {@code
   * S3_ENDPOINT} are both unset (then the caller starts its own).
   *
   * @throws IllegalArgumentException when only one server, or an endpoint without keys, is given
   */
  public static Optional<ServerConnections> fromEnvironment(Map<String, String> env) {
    String kafka = blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS"));
    String s3 = blankToNull(env.get(S3Settings.ENDPOINT_VARIABLE));
    if (kafka == null && s3 == null) {
      return Optional.empty();
    }
    if (kafka == null || s3 == null) {
      throw new IllegalArgumentException(
          "set both KAFKA_BOOTSTRAP_SERVERS and S3_ENDPOINT (servers to use), or neither (servers"
              + " are started); only "
              + (kafka == null ? "S3_ENDPOINT" : "KAFKA_BOOTSTRAP_SERVERS")
              + " is set");
    }
    String access = blankToNull(env.get(S3Settings.ACCESS_KEY_VARIABLE));
    String secret = blankToNull(env.get(S3Settings.SECRET_KEY_VARIABLE));
    if (access == null || secret == null) {
      throw new IllegalArgumentException(
          "S3_ENDPOINT is set but S3_ACCESS_KEY or S3_SECRET_KEY is not");
    }
    String region = blankToNull(env.get(S3Settings.REGION_VARIABLE));
    return Optional.of(
        new ServerConnections(kafka, s3, access, secret, region == null ? "us-east-1" : region));
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
