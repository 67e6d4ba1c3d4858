package io.lethe.infra;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;

/**
 * How tests find the servers: the environment variables set by {@code .ci/run} (or a developer)
 * when present, else servers that this JVM starts once, on first use, and stops at exit.
 *
 * <pre>{@code
 * String bootstrap = ServerEnvironment.kafkaBootstrapServers();
 * ServerEnvironment.S3 s3 = ServerEnvironment.s3();
 * }</pre>
 */
public final class ServerEnvironment {
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String S3_ENDPOINT = "S3_ENDPOINT";
  public static final String S3_ACCESS_KEY = "S3_ACCESS_KEY";
  public static final String S3_SECRET_KEY = "S3_SECRET_KEY";
  public static final String S3_REGION = "S3_REGION";

  /** S3 connection settings. */
  public record S3(String endpoint, String accessKey, String secretKey, String region) {}

  private static LocalKafka kafka;
  private static LocalS3 s3;

  private ServerEnvironment() {}

  /** {@code $KAFKA_BOOTSTRAP_SERVERS}, else a {@link LocalKafka} shared by this JVM. */
  public static synchronized String kafkaBootstrapServers() {
    return kafkaBootstrapServers(System.getenv());
  }

  /** {@code $S3_ENDPOINT} and keys, else a {@link LocalS3} shared by this JVM. */
  public static synchronized S3 s3() {
    return s3(System.getenv());
  }

  static synchronized String kafkaBootstrapServers(Map<String, String> env) {
    Optional<String> fromEnv = nonBlank(env.get(KAFKA_BOOTSTRAP_SERVERS));
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    if (kafka == null) {
      kafka = LocalKafka.builder(sharedDir().resolve("kafka")).build().start();
    }
    return kafka.bootstrapServers();
  }

  static synchronized S3 s3(Map<String, String> env) {
    Optional<String> endpoint = nonBlank(env.get(S3_ENDPOINT));
    if (endpoint.isPresent()) {
      return new S3(
          endpoint.get(),
          require(env, S3_ACCESS_KEY),
          require(env, S3_SECRET_KEY),
          nonBlank(env.get(S3_REGION)).orElse("us-east-1"));
    }
    if (s3 == null) {
      s3 = LocalS3.builder(sharedDir().resolve("s3")).build().start();
    }
    return new S3(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
  }

  /** {@code target/local-servers/jvm-<pid>}: one directory per test JVM. */
  private static Path sharedDir() {
    return Paths.get("target", "local-servers", "jvm-" + ProcessHandle.current().pid())
        .toAbsolutePath();
  }

  private static String require(Map<String, String> env, String name) {
    return nonBlank(env.get(name))
        .orElseThrow(
            () -> new IllegalStateException(S3_ENDPOINT + " is set but " + name + " is not"));
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
  }
}
