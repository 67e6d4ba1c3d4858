package io.lethe.service.config;

import io.lethe.config.ConfigException;
import io.lethe.config.Configuration;
import io.lethe.config.Field;
import java.util.Map;
import java.util.Objects;

/**
 * Where the service's HTTP endpoint ({@code /metrics}, {@code /health}, and the service's own
 * routes) listens.
 *
 * @param host interface to bind ({@code HTTP_HOST}, default {@code 127.0.0.1}: loopback unless a
 *     deployment opens it on purpose)
 * @param port TCP port ({@code HTTP_PORT}, required; {@code 0} picks a free one, for tests)
 */
public record HttpSettings(String host, int port) {
  public static final String HOST = "HTTP_HOST";
  public static final String PORT = "HTTP_PORT";
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** {@code HTTP_HOST}. */
  public static final Field<String> HOST_FIELD = Field.string(HOST).optDefault(DEFAULT_HOST);

  /** {@code HTTP_PORT}. */
  public static final Field<Integer> PORT_FIELD =
      Field.port(PORT).optDescription("the HTTP port for /metrics and /health (0 = any free)");

  public HttpSettings {
    Objects.requireNonNull(host, HOST);
    if (host.isBlank()) {
      throw new ConfigException(HOST + " is empty: expected an interface address, e.g. 127.0.0.1");
    }
    PORT_FIELD.check(port);
  }

  /** Loopback on an ephemeral port: what tests use. */
  public static HttpSettings ephemeral() {
    return new HttpSettings(DEFAULT_HOST, 0);
  }

  public static HttpSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * From {@code HTTP_HOST} (default {@code 127.0.0.1}) and {@code HTTP_PORT} (required).
   *
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static HttpSettings fromEnv(Map<String, String> env) {
    Configuration config = new Configuration(env);
    String host = config.get(HOST_FIELD);
    Integer port = config.required(PORT_FIELD);
    return config.build(() -> new HttpSettings(host, port));
  }
}
