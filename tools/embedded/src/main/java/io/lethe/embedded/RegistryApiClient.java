package io.lethe.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * Reads aliases through the registry service's HTTP API ({@code GET
 * /v1/models/{modelId}/aliases/{alias}}), the way a deployment would learn which version serves:
 * the pipeline reports what the registry answers, not what it wrote to S3 itself. Blocking.
 */
final class RegistryApiClient {
  private static final Duration POLL = Duration.ofMillis(250);

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = MessageCodec.newObjectMapper();

  /**
   * @param base the API's root, e.g. {@code http://127.0.0.1:8084}
   * @param token a bearer token with scope {@code read}
   */
  RegistryApiClient(URI base, String token) {
    this.base = Objects.requireNonNull(base, "base");
    this.token = Objects.requireNonNull(token, "token");
  }

  /** The URL of {@code alias} of {@code modelId}. */
  URI aliasUri(String modelId, String alias) {
    return base.resolve("/v1/models/" + segment(modelId) + "/aliases/" + segment(alias));
  }

  /**
   * The version {@code alias} points at, or empty if the model has no such alias yet (404).
   *
   * @throws IOException on any other answer, naming the status and body
   */
  OptionalInt alias(String modelId, String alias) throws IOException, InterruptedException {
    URI uri = aliasUri(modelId, alias);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() == 404) {
      return OptionalInt.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode version = json.readTree(response.body()).get("version");
    if (version == null || !version.canConvertToInt()) {
      throw new IOException("GET " + uri + " answered without a version: " + response.body());
    }
    return OptionalInt.of(version.intValue());
  }

  /**
   * Polls until {@code alias} points at {@code version} (automatic promotion is asynchronous: the
   * registry reads the same evaluation report from Kafka as the caller did).
   *
   * @param deadline {@link System#nanoTime()} to give up at
   * @throws TimeoutException naming where the alias still points
   */
  int awaitAlias(String modelId, String alias, int version, long deadline)
      throws IOException, InterruptedException, TimeoutException {
    OptionalInt current = alias(modelId, alias);
    while (current.orElse(-1) != version) {
      if (System.nanoTime() >= deadline) {
        throw new TimeoutException(
            "the registry did not move "
                + alias
                + " of "
                + modelId
                + " to v"
                + version
                + " in time; it points at "
                + (current.isPresent() ? "v" + current.getAsInt() : "nothing")
                + " ("
                + aliasUri(modelId, alias)
                + ")");
      }
      Thread.sleep(POLL.toMillis());
      current = alias(modelId, alias);
    }
    return version;
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
