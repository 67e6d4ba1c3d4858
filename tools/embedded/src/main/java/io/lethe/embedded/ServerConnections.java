package io.lethe.embedded;

import io.lethe.infra.LocalServers;
import io.lethe.registry.store.S3Settings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the pipeline's Kafka and S3 are: given by the environment ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION}, the S3 ones
 * also as {@code *_FILE}), or the servers this process started ({@link LocalServers}).
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
   * S3_ENDPOINT} are both unset (then the caller starts its own). The S3 settings are read as the
   * services read them ({@link S3Settings#fromEnv}): each of {@code S3_ENDPOINT}, {@code
   * S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_REGION} may be given as {@code X_FILE}, the
   * path of a file holding it (Docker and Kubernetes secrets).
   *
   * @throws IllegalArgumentException when only one server, or an endpoint without keys, is given,
   *     or {@code X} and {@code X_FILE} both, or a {@code X_FILE} that cannot be read or is empty
   *     (the message names the variable)
   */
  public static Optional<ServerConnections> fromEnvironment(Map<String, String> env) {
    String kafka = blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS"));
    boolean s3 = s3Given(env);
    if (kafka == null && !s3) {
      return Optional.empty();
    }
    if (kafka == null || !s3) {
      throw new IllegalArgumentException(
          "set both KAFKA_BOOTSTRAP_SERVERS and S3_ENDPOINT (servers to use), or neither (servers"
              + " are started); only "
              + (kafka == null ? "S3_ENDPOINT" : "KAFKA_BOOTSTRAP_SERVERS")
              + " is set");
    }
    S3Settings given = S3Settings.fromEnv(env, ANY_BUCKET);
    return Optional.of(
        new ServerConnections(
            kafka, given.endpoint(), given.accessKey(), given.secretKey(), given.region()));
  }

  /**
   * The registry's S3 from {@code env} (read as {@link #fromEnvironment}; Kafka is not needed) with
   * bucket {@code bucket}, or empty when {@code S3_ENDPOINT} is unset.
   *
   * @throws IllegalArgumentException as {@link #fromEnvironment}, or for an invalid bucket name
   */
  public static Optional<S3Settings> s3FromEnvironment(Map<String, String> env, String bucket) {
    if (!s3Given(env)) {
      return Optional.empty();
    }
    return Optional.of(S3Settings.fromEnv(env, bucket).withBucket(bucket));
  }

  /** A valid name for {@link S3Settings#fromEnv}; the bucket is the caller's option, not S3_*. */
  private static final String ANY_BUCKET = "lethe-models";

  private static boolean s3Given(Map<String, String> env) {
    return blankToNull(env.get(S3Settings.ENDPOINT_VARIABLE)) != null
        || blankToNull(env.get(S3Settings.ENDPOINT_VARIABLE + S3Settings.FILE_SUFFIX)) != null;
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
