package io.lethe.registry.store;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Env;
import io.lethe.config.Field;
import io.minio.MinioClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the store keeps its objects: an S3-compatible endpoint, credentials, region and bucket.
 * Validated on construction so that a typo fails at start-up with the field named, not on the first
 * request with an opaque HTTP error.
 *
 * @param endpoint {@code http(s)://host[:port]}, no path
 * @param region the region requests are signed for, e.g. {@code us-east-1}
 * @param bucket an S3 bucket name (3-63 characters: lower-case letters, digits, dots, hyphens)
 */
public record S3Settings(
    String endpoint, String accessKey, String secretKey, String region, String bucket) {
  private static final Pattern BUCKET_NAME = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");

  public static final String ENDPOINT_VARIABLE = "S3_ENDPOINT";
  public static final String ACCESS_KEY_VARIABLE = "S3_ACCESS_KEY";
  public static final String SECRET_KEY_VARIABLE = "S3_SECRET_KEY";
  public static final String REGION_VARIABLE = "S3_REGION";
  public static final String BUCKET_VARIABLE = "S3_BUCKET";

  /** Suffix of a variable naming the file that holds a value: {@code S3_SECRET_KEY_FILE}. */
  public static final String FILE_SUFFIX = Env.FILE_SUFFIX;

  public static final String ACCESS_KEY_FILE_VARIABLE = "S3_ACCESS_KEY_FILE";
  public static final String SECRET_KEY_FILE_VARIABLE = "S3_SECRET_KEY_FILE";

  private static final String CONNECTION = "the registry's S3 connection";
  static final Field<String> ENDPOINT_FIELD =
      Field.string(ENDPOINT_VARIABLE).optDescription(CONNECTION);
  static final Field<String> ACCESS_KEY_FIELD =
      Field.string(ACCESS_KEY_VARIABLE).optDescription(CONNECTION);
  static final Field<String> SECRET_KEY_FIELD =
      Field.string(SECRET_KEY_VARIABLE).optDescription(CONNECTION);
  static final Field<String> REGION_FIELD = Field.string(REGION_VARIABLE).optDefault("us-east-1");
  static final Field<String> BUCKET_FIELD = Field.string(BUCKET_VARIABLE);

  /**
   * Settings from the environment every service shares: {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY},
   * {@code S3_SECRET_KEY} (required), {@code S3_REGION} (default {@code us-east-1}) and {@code
   * S3_BUCKET} (default {@code defaultBucket}). Each may instead be read from a file: {@code
   * S3_SECRET_KEY_FILE=/run/secrets/s3-secret-key} (trimmed; Docker and Kubernetes secrets), so the
   * key need not sit in the environment ({@link Env}). Every problem is named at once.
   *
   * @throws IllegalArgumentException naming the variables that are missing, or what is wrong
   */
  public static S3Settings fromEnv(Map<String, String> env, String defaultBucket) {
    Configuration config = new Configuration(env);
    String endpoint = required(config, env, ENDPOINT_FIELD);
    String accessKey = required(config, env, ACCESS_KEY_FIELD);
    String secretKey = required(config, env, SECRET_KEY_FIELD);
    String region = config.get(REGION_FIELD);
    String bucket = config.get(BUCKET_FIELD.optDefault(defaultBucket));
    try {
      config.validate();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new S3Settings(endpoint, accessKey, secretKey, region, bucket);
  }

  /**
   * The value of {@code field}; unset is recorded as {@code NAME (or NAME_FILE) is not set}, and a
   * file holding only blanks as {@code NAME_FILE names '<path>', which is empty}.
   */
  private static String required(
      Configuration config, Map<String, String> env, Field<String> field) {
    int problems = config.problems().size();
    Optional<String> value = config.optional(field);
    if (value.isEmpty() && config.problems().size() == problems) {
      String name = field.name();
      String file = env.get(name + FILE_SUFFIX);
      config.reject(
          file == null || file.isBlank()
              ? name + " (or " + name + FILE_SUFFIX + ") is not set: " + CONNECTION
              : name
                  + FILE_SUFFIX
                  + " names '"
                  + file.trim()
                  + "', which is empty: "
                  + name
                  + " needed");
    }
    return value.orElse(null);
  }

  public S3Settings {
    requireText(endpoint, "endpoint");
    requireText(accessKey, "accessKey");
    requireText(secretKey, "secretKey");
    requireText(region, "region");
    requireText(bucket, "bucket");
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint '" + endpoint + "' is not a URI", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint '" + endpoint + "' must be http(s)://host[:port]");
    }
    if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
      throw new IllegalArgumentException(
          "endpoint '" + endpoint + "' must not have a path; the bucket is a separate setting");
    }
    if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException(
          "bucket '"
              + bucket
              + "' is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '.', '-';"
              + " starting and ending with a letter or digit)");
    }
  }

  /**
   * How long a client waits to connect to S3. MinIO's default is 5 minutes for each of connect,
   * read and write: with the server down or unreachable, a forget request would hang that long
   * before it could be retried, and the registry API would keep its clients waiting. A connection
   * on a working network takes milliseconds.
   */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a client waits for the next bytes of a response, or to send the next bytes of a
   * request. It bounds a silence, not a whole transfer, so large checkpoints still stream; 30 s
   * covers a slow disk on the server side.
   */
  public static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

  /** These settings with another bucket: the same endpoint, credentials and region. */
  public S3Settings withBucket(String otherBucket) {
    return new S3Settings(endpoint, accessKey, secretKey, region, otherBucket);
  }

  /**
   * A MinIO client for {@link #endpoint()} with these credentials and region, and timeouts ({@link
   * #CONNECT_TIMEOUT}, {@link #IO_TIMEOUT}) short enough that an outage fails in seconds.
   */
  public MinioClient newClient() {
    MinioClient client =
        MinioClient.builder()
            .endpoint(endpoint)
            .credentials(accessKey, secretKey)
            .region(region)
            .build();
    client.setTimeout(CONNECT_TIMEOUT.toMillis(), IO_TIMEOUT.toMillis(), IO_TIMEOUT.toMillis());
    return client;
  }

  /** Never prints the secret key. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", accessKey="
        + accessKey
        + ", secretKey=***, region="
        + region
        + ", bucket="
        + bucket
        + "]";
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
  }
}
