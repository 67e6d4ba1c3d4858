package io.lethe.registry.store;

import io.minio.MinioClient;
import java.net.URI;
import java.net.URISyntaxException;
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
  private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");

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
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException(
          "bucket '"
              + bucket
              + "' is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '.', '-';"
              + " starting and ending with a letter or digit)");
    }
  }

  /** A MinIO client for {@link #endpoint()} with these credentials and region. */
  public MinioClient newClient() {
    return MinioClient.builder()
        .endpoint(endpoint)
        .credentials(accessKey, secretKey)
        .region(region)
        .build();
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
