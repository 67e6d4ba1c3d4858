package io.lethe.registry.service;

import io.lethe.registry.store.S3Settings;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The registry service's configuration, read from the environment and checked before anything
 * connects.
 *
 * @param kafka brokers and consumer group of the automatic promotion ({@code KAFKA_*}; group
 *     default {@code lethe-registry})
 * @param api where the registry's HTTP API listens ({@code REGISTRY_API_HOST}, default {@code
 *     HTTP_HOST} or {@code 127.0.0.1}; {@code REGISTRY_API_PORT}, required, {@code 0} = any free).
 *     Apart from {@code HTTP_PORT}, which serves {@code /metrics} and {@code /health} from the
 *     moment the process starts, so operations traffic and API clients can be exposed separately.
 * @param s3 the registry bucket ({@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY},
 *     {@code S3_REGION} (default {@code us-east-1}), {@code S3_BUCKET} (default {@code
 *     lethe-models}))
 * @param alias the alias automatic promotion moves ({@code REGISTRY_ALIAS}, default {@code
 *     production})
 * @param autoPromote whether a passing evaluation on {@code lethe.evaluations} promotes its version
 *     ({@code REGISTRY_AUTO_PROMOTE}, {@code true} or {@code false}, default {@code true})
 * @param ioThreads size of the {@code lethe-registry-io} pool every S3 call runs on ({@code
 *     REGISTRY_IO_THREADS}, default 4)
 * @param auth who may call the API ({@code LETHE_API_TOKENS_FILE} or {@code LETHE_API_TOKENS};
 *     {@code LETHE_AUTH=off} to switch it off: see {@link AuthSettings})
 * @param erasure purge grace period and sweep interval ({@link ErasureSettings})
 */
public record RegistrySettings(
    KafkaSettings kafka,
    HttpSettings api,
    S3Settings s3,
    String alias,
    boolean autoPromote,
    int ioThreads,
    AuthSettings auth,
    ErasureSettings erasure) {
  public static final String SERVICE = "registry";
  public static final String API_HOST = "REGISTRY_API_HOST";
  public static final String API_PORT = "REGISTRY_API_PORT";
  public static final String ALIAS = "REGISTRY_ALIAS";
  public static final String AUTO_PROMOTE = "REGISTRY_AUTO_PROMOTE";
  public static final String IO_THREADS = "REGISTRY_IO_THREADS";
  public static final String DEFAULT_ALIAS = "production";
  public static final String DEFAULT_BUCKET = "lethe-models";
  public static final int DEFAULT_IO_THREADS = 4;

  /** The registry store's rule for alias names (they become part of an S3 key). */
  static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

  public RegistrySettings {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(alias, ALIAS);
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(erasure, "erasure");
    if (!NAME.matcher(alias).matches()) {
      throw new ConfigException(
          ALIAS
              + " must be 1-64 characters of a-z, 0-9, '.', '_', '-' starting with a letter or"
              + " digit, got '"
              + alias
              + "'");
    }
    if (ioThreads < 1 || ioThreads > 64) {
      throw new ConfigException(IO_THREADS + " must be in [1, 64], got " + ioThreads);
    }
  }

  /** Defaults for everything but the connections and the tokens (what tests start from). */
  public static RegistrySettings defaults(
      KafkaSettings kafka, HttpSettings api, S3Settings s3, AuthSettings auth) {
    return new RegistrySettings(
        kafka, api, s3, DEFAULT_ALIAS, true, DEFAULT_IO_THREADS, auth, ErasureSettings.DEFAULTS);
  }

  /** A copy with automatic promotion switched on or off. */
  public RegistrySettings withAutoPromote(boolean on) {
    return new RegistrySettings(kafka, api, s3, alias, on, ioThreads, auth, erasure);
  }

  /** A copy with other erasure settings (tests shorten the grace period). */
  public RegistrySettings withErasure(ErasureSettings next) {
    return new RegistrySettings(kafka, api, s3, alias, autoPromote, ioThreads, auth, next);
  }

  public static RegistrySettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static RegistrySettings fromEnv(Map<String, String> env) {
    KafkaSettings kafka = KafkaSettings.fromEnv(env, SERVICE);
    S3Settings s3;
    try {
      s3 = S3Settings.fromEnv(env, DEFAULT_BUCKET);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("S3 settings: " + e.getMessage());
    }
    String host =
        optional(env, API_HOST, optional(env, HttpSettings.HOST, HttpSettings.DEFAULT_HOST));
    String port = optional(env, API_PORT, null);
    if (port == null) {
      throw new ConfigException(
          API_PORT + " is not set: the port of the registry's HTTP API (0 = any free)");
    }
    int apiPort = integer(API_PORT, port, "a port number (0-65535)");
    if (apiPort < 0 || apiPort > 65535) {
      throw new ConfigException(API_PORT + " must be a port number (0-65535), got " + apiPort);
    }
    return new RegistrySettings(
        kafka,
        new HttpSettings(host, apiPort),
        s3,
        optional(env, ALIAS, DEFAULT_ALIAS),
        bool(env, AUTO_PROMOTE, true),
        integer(IO_THREADS, optional(env, IO_THREADS, "" + DEFAULT_IO_THREADS), "an integer"),
        AuthSettings.fromEnv(env),
        ErasureSettings.fromEnv(env));
  }

  private static int integer(String name, String value, String what) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be " + what + ", got '" + value + "'");
    }
  }

  /** Only {@code true} or {@code false}: a typo must not silently switch promotion off. */
  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = optional(env, name, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
    };
  }

  private static String optional(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
