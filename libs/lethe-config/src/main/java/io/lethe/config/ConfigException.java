package io.lethe.config;

/**
 * A setting is missing or malformed. Thrown at start-up, before anything connects, so a service
 * refuses to run rather than fail later; the message names the environment variable to fix.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
