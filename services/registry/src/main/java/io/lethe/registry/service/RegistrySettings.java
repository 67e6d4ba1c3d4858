package io.lethe.registry.service;

import io.lethe.config.Configuration;
import io.lethe.config.Env;
import io.lethe.config.Field;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
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

  static final Field<String> API_HOST_FIELD = Field.string(API_HOST);
  static final Field<Integer> API_PORT_FIELD =
      Field.port(API_PORT).optDescription("the port of the registry's HTTP API (0 = any free)");
  static final Field<String> ALIAS_FIELD =
      Field.string(ALIAS)
          .optDefault(DEFAULT_ALIAS)
          .optCheck(
              a -> NAME.matcher(a).matches(),
              "be 1-64 characters of a-z, 0-9, '.', '_', '-' starting with a letter or digit");
  static final Field<Boolean> AUTO_PROMOTE_FIELD = Field.bool(AUTO_PROMOTE).optDefault(true);
  static final Field<Integer> IO_THREADS_FIELD =
      Field.integer(IO_THREADS).optDefault(DEFAULT_IO_THREADS).optRange(1, 64);

  public RegistrySettings {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(alias, ALIAS);
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(erasure, "erasure");
    ALIAS_FIELD.check(alias);
    IO_THREADS_FIELD.check(ioThreads);
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
    Configuration config = new Configuration(env);
    KafkaSettings kafka = config.section(() -> KafkaSettings.fromEnv(env, SERVICE));
    S3Settings s3 = config.section("S3 settings", () -> S3Settings.fromEnv(env, DEFAULT_BUCKET));
    String host =
        config
            .optional(API_HOST_FIELD)
            .orElseGet(
                () -> new Env(env).optional(HttpSettings.HOST).orElse(HttpSettings.DEFAULT_HOST));
    Integer apiPort = config.required(API_PORT_FIELD);
    String alias = config.get(ALIAS_FIELD);
    boolean autoPromote = config.get(AUTO_PROMOTE_FIELD);
    int ioThreads = config.get(IO_THREADS_FIELD);
    AuthSettings auth = config.section(() -> AuthSettings.fromEnv(env));
    ErasureSettings erasure = ErasureSettings.fromEnv(config);
    config.validate();
    return new RegistrySettings(
        kafka, new HttpSettings(host, apiPort), s3, alias, autoPromote, ioThreads, auth, erasure);
  }
}
