package io.lethe.service.config;

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

  public HttpSettings {
    Objects.requireNonNull(host, HOST);
    if (host.isBlank()) {
      throw new ConfigException(HOST + " is empty: expected an interface address, e.g. 127.0.0.1");
    }
    Env.checkPort(PORT, port);
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
    Env e = new Env(env);
    return new HttpSettings(
        e.optional(HOST).orElse(DEFAULT_HOST),
        Env.port(PORT, e.required(PORT, "the HTTP port for /metrics and /health (0 = any free)")));
  }
}
