package io.lethe.service.config;

import io.lethe.config.ConfigException;
import io.lethe.config.Env;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a service authenticates to Kafka and encrypts the connection, applied alike to every
 * producer, consumer and admin client it creates ({@link KafkaSettings#clientProperties()}).
 *
 * <ul>
 *   <li>{@code KAFKA_SECURITY_PROTOCOL}: {@code PLAINTEXT} (default), {@code SSL}, {@code
 *       SASL_PLAINTEXT} or {@code SASL_SSL};
 *   <li>{@code KAFKA_SASL_MECHANISM}: e.g. {@code SCRAM-SHA-512}, {@code PLAIN} (required with
 *       SASL);
 *   <li>{@code KAFKA_SASL_JAAS_CONFIG} or {@code KAFKA_SASL_JAAS_CONFIG_FILE}: the JAAS line with
 *       the credentials (required with SASL);
 *   <li>{@code KAFKA_SSL_TRUSTSTORE_LOCATION}, {@code KAFKA_SSL_TRUSTSTORE_PASSWORD} or {@code
 *       KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE}: a private CA (optional; the JVM's trust store
 *       otherwise).
 * </ul>
 *
 * {@link #toString()} never prints the JAAS configuration or the password.
 */
public record KafkaSecurity(
    String protocol,
    String saslMechanism,
    String saslJaasConfig,
    String truststoreLocation,
    String truststorePassword) {
  public static final String PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
  public static final String SASL_MECHANISM = "KAFKA_SASL_MECHANISM";
  public static final String SASL_JAAS_CONFIG = "KAFKA_SASL_JAAS_CONFIG";
  public static final String TRUSTSTORE_LOCATION = "KAFKA_SSL_TRUSTSTORE_LOCATION";
  public static final String TRUSTSTORE_PASSWORD = "KAFKA_SSL_TRUSTSTORE_PASSWORD";

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  /** Plain TCP, no credentials: a local broker (after PROTOCOLS: it is checked against it). */
  public static final KafkaSecurity NONE = new KafkaSecurity("PLAINTEXT", null, null, null, null);

  public KafkaSecurity {
    if (protocol == null || !PROTOCOLS.contains(protocol)) {
      throw new ConfigException(
          PROTOCOL
              + " must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got '"
              + protocol
              + "'");
    }
    boolean sasl = protocol.startsWith("SASL_");
    if (sasl && (saslMechanism == null || saslJaasConfig == null)) {
      throw new ConfigException(
          PROTOCOL
              + "="
              + protocol
              + " needs "
              + SASL_MECHANISM
              + " and "
              + SASL_JAAS_CONFIG
              + " (or "
              + SASL_JAAS_CONFIG
              + Env.FILE_SUFFIX
              + ")");
    }
    if (!sasl && (saslMechanism != null || saslJaasConfig != null)) {
      throw new ConfigException(
          SASL_MECHANISM
              + "/"
              + SASL_JAAS_CONFIG
              + " are set but "
              + PROTOCOL
              + " is "
              + protocol
              + ": use SASL_SSL (or SASL_PLAINTEXT)");
    }
    boolean ssl = protocol.endsWith("SSL");
    if (!ssl && (truststoreLocation != null || truststorePassword != null)) {
      throw new ConfigException(
          TRUSTSTORE_LOCATION
              + " is set but "
              + PROTOCOL
              + " is "
              + protocol
              + ": use SSL or SASL_SSL");
    }
    if (truststorePassword != null && truststoreLocation == null) {
      throw new ConfigException(TRUSTSTORE_PASSWORD + " is set without " + TRUSTSTORE_LOCATION);
    }
  }

  /**
   * @throws ConfigException naming the variable that is wrong
   */
  public static KafkaSecurity fromEnv(Map<String, String> env) {
    Env e = new Env(env);
    return new KafkaSecurity(
        e.optional(PROTOCOL).orElse("PLAINTEXT").toUpperCase(Locale.ROOT),
        e.optional(SASL_MECHANISM).orElse(null),
        e.optional(SASL_JAAS_CONFIG).orElse(null),
        e.optional(TRUSTSTORE_LOCATION).orElse(null),
        e.optional(TRUSTSTORE_PASSWORD).orElse(null));
  }

  /** The Kafka client properties: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}. */
  public Map<String, Object> properties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("security.protocol", protocol);
    if (saslMechanism != null) {
      p.put("sasl.mechanism", saslMechanism);
      p.put("sasl.jaas.config", saslJaasConfig);
    }
    if (truststoreLocation != null) {
      p.put("ssl.truststore.location", truststoreLocation);
    }
    if (truststorePassword != null) {
      p.put("ssl.truststore.password", truststorePassword);
    }
    return p;
  }

  /** The protocol, mechanism and trust store path; credentials as {@code ***}. */
  @Override
  public String toString() {
    return "KafkaSecurity[protocol="
        + protocol
        + (saslMechanism == null ? "" : ", saslMechanism=" + saslMechanism + ", saslJaasConfig=***")
        + (truststoreLocation == null ? "" : ", truststore=" + truststoreLocation)
        + (truststorePassword == null ? "" : ", truststorePassword=***")
        + "]";
  }
}
