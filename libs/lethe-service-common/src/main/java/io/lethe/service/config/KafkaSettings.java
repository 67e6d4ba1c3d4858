package io.lethe.service.config;

import io.lethe.config.ConfigException;
import io.lethe.config.Env;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the Kafka cluster is and who this service is to it. Checked when built, so a typo in an
 * address fails at start-up with the variable's name, not as a client retrying forever.
 *
 * @param bootstrapServers comma-separated {@code host:port} list ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param clientId the client id in broker logs and quotas ({@code KAFKA_CLIENT_ID}, default: the
 *     service name)
 * @param groupId the consumer group ({@code KAFKA_GROUP_ID}, default {@code lethe-<service>}):
 *     replicas of one service share it, so each record is handled by one of them
 * @param security TLS and SASL ({@link KafkaSecurity}: {@code KAFKA_SECURITY_PROTOCOL}, {@code
 *     KAFKA_SASL_*}, {@code KAFKA_SSL_TRUSTSTORE_*}), for producers, consumers and admin clients
 *     alike
 */
public record KafkaSettings(
    String bootstrapServers,
    String clientId,
    String groupId,
    Map<String, String> consumerProperties,
    Map<String, String> producerProperties,
    KafkaSecurity security) {
  public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";

  /**
   * Prefix of variables that set a consumer property: {@code
   * KAFKA_CONSUMER_SESSION_TIMEOUT_MS=6000} sets {@code session.timeout.ms} (lower case, {@code _}
   * → {@code .}), as Kafka's own images do.
   */
  public static final String CONSUMER_PREFIX = "KAFKA_CONSUMER_";

  /** Prefix of variables that set a producer property (e.g. {@code KAFKA_PRODUCER_LINGER_MS}). */
  public static final String PRODUCER_PREFIX = "KAFKA_PRODUCER_";

  /** Properties no variable may set: they are what makes "acknowledged" mean "durable". */
  private static final java.util.Set<String> FIXED =
      java.util.Set.of(
          "enable.auto.commit",
          "acks",
          "enable.idempotence",
          "bootstrap.servers",
          "group.id",
          "security.protocol",
          "sasl.jaas.config",
          "sasl.mechanism",
          "ssl.truststore.location",
          "ssl.truststore.password");

  public static final String CLIENT_ID = "KAFKA_CLIENT_ID";
  public static final String GROUP_ID = "KAFKA_GROUP_ID";

  private static final Pattern ADDRESS =
      Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:,]+):\\d{1,5}$");
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._-]{1,249}$");

  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS);
    Objects.requireNonNull(clientId, CLIENT_ID);
    Objects.requireNonNull(groupId, GROUP_ID);
    Objects.requireNonNull(security, "security");
    if (bootstrapServers.isBlank()) {
      throw new ConfigException(BOOTSTRAP_SERVERS + " is empty: expected host:port[,host:port...]");
    }
    for (String address : bootstrapServers.split(",", -1)) {
      String a = address.trim();
      if (!ADDRESS.matcher(a).matches()) {
        throw new ConfigException(
            BOOTSTRAP_SERVERS
                + " must be host:port[,host:port...], got '"
                + bootstrapServers
                + "' (bad entry: '"
                + a
                + "')");
      }
      int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw new ConfigException(BOOTSTRAP_SERVERS + " has an invalid port in '" + a + "'");
      }
    }
    checkId(CLIENT_ID, clientId);
    checkId(GROUP_ID, groupId);
    consumerProperties = Map.copyOf(Objects.requireNonNull(consumerProperties, "consumer"));
    producerProperties = Map.copyOf(Objects.requireNonNull(producerProperties, "producer"));
    for (String key : consumerProperties.keySet()) {
      checkProperty(CONSUMER_PREFIX, key);
    }
    for (String key : producerProperties.keySet()) {
      checkProperty(PRODUCER_PREFIX, key);
    }
  }

  /** Without client property overrides, over plain TCP. */
  public KafkaSettings(String bootstrapServers, String clientId, String groupId) {
    this(bootstrapServers, clientId, groupId, Map.of(), Map.of(), KafkaSecurity.NONE);
  }

  /**
   * What every client of this service starts from, producer, consumer or admin: {@code
   * bootstrap.servers} and the {@link #security()} properties.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> p = new java.util.HashMap<>(security.properties());
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  /** From the process environment; see {@link #fromEnv(Map, String)}. */
  public static KafkaSettings fromEnv(String serviceName) {
    return fromEnv(System.getenv(), serviceName);
  }

  /**
   * From {@code KAFKA_BOOTSTRAP_SERVERS} (required), {@code KAFKA_CLIENT_ID} and {@code
   * KAFKA_GROUP_ID} (defaults derived from {@code serviceName}, e.g. {@code worker} and {@code
   * lethe-worker}).
   *
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static KafkaSettings fromEnv(Map<String, String> env, String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    Env e = new Env(env);
    return new KafkaSettings(
        e.required(BOOTSTRAP_SERVERS, "the Kafka brokers, host:port[,host:port...]"),
        e.optional(CLIENT_ID).orElse(serviceName),
        e.optional(GROUP_ID).orElse("lethe-" + serviceName),
        prefixed(env, CONSUMER_PREFIX),
        prefixed(env, PRODUCER_PREFIX),
        KafkaSecurity.fromEnv(env));
  }

  /** A copy in another consumer group (tests give each its own). */
  public KafkaSettings withGroupId(String newGroupId) {
    return new KafkaSettings(
        bootstrapServers, clientId, newGroupId, consumerProperties, producerProperties, security);
  }

  /**
   * Addresses and ids, the names of the overridden properties but not their values (an override may
   * be a credential), and {@link KafkaSecurity#toString()} (which masks credentials).
   */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", clientId="
        + clientId
        + ", groupId="
        + groupId
        + ", consumerProperties="
        + consumerProperties.keySet()
        + ", producerProperties="
        + producerProperties.keySet()
        + ", security="
        + security
        + "]";
  }

  /** {@code prefix}ed variables as properties; {@code <prefix>X_FILE} reads X from a file. */
  private static Map<String, String> prefixed(Map<String, String> env, String prefix) {
    Env e = new Env(env);
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, String> v : env.entrySet()) {
      String variable = v.getKey();
      if (variable.endsWith(Env.FILE_SUFFIX)) {
        variable = variable.substring(0, variable.length() - Env.FILE_SUFFIX.length());
      }
      if (variable.startsWith(prefix) && variable.length() > prefix.length()) {
        String key =
            variable
                .substring(prefix.length())
                .toLowerCase(java.util.Locale.ROOT)
                .replace('_', '.');
        if (v.getValue() == null || v.getValue().isBlank()) {
          throw new ConfigException(v.getKey() + " is set but empty");
        }
        String variableName = variable;
        out.put(
            key,
            e.optional(variable)
                .orElseThrow(() -> new ConfigException(variableName + " is set but empty")));
      }
    }
    return out;
  }

  private static void checkProperty(String prefix, String key) {
    if (FIXED.contains(key)) {
      throw new ConfigException(
          prefix
              + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
              + " cannot be set: "
              + key
              + " is fixed by Lethe (commits after handling, acks=all, idempotence) or set by"
              + " KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_TRUSTSTORE_*");
    }
  }

  private static void checkId(String variable, String value) {
    if (!ID.matcher(value).matches()) {
      throw new ConfigException(
          variable + " must be 1-249 characters of [A-Za-z0-9._-], got '" + value + "'");
    }
  }
}
