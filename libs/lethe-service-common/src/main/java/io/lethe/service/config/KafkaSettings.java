package io.lethe.service.config;

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
 */
public record KafkaSettings(String bootstrapServers, String clientId, String groupId) {
  public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String CLIENT_ID = "KAFKA_CLIENT_ID";
  public static final String GROUP_ID = "KAFKA_GROUP_ID";

  private static final Pattern ADDRESS =
      Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:,]+):\\d{1,5}$");
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._-]{1,249}$");

  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS);
    Objects.requireNonNull(clientId, CLIENT_ID);
    Objects.requireNonNull(groupId, GROUP_ID);
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
        e.optional(GROUP_ID).orElse("lethe-" + serviceName));
  }

  /** A copy in another consumer group (tests give each its own). */
  public KafkaSettings withGroupId(String newGroupId) {
    return new KafkaSettings(bootstrapServers, clientId, newGroupId);
  }

  private static void checkId(String variable, String value) {
    if (!ID.matcher(value).matches()) {
      throw new ConfigException(
          variable + " must be 1-249 characters of [A-Za-z0-9._-], got '" + value + "'");
    }
  }
}
