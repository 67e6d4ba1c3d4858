package io.lethe.service.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed reads from an environment map. A map rather than {@link System#getenv()} so that tests can
 * pass their own; every error names the variable.
 */
final class Env {
  private final Map<String, String> vars;

  Env(Map<String, String> vars) {
    this.vars = Objects.requireNonNull(vars, "vars");
  }

  /** The trimmed value, or empty when unset or blank. */
  Optional<String> optional(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  String required(String name, String what) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is not set: " + what));
  }

  static int port(String name, String value) {
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a port number (0-65535), got '" + value + "'");
    }
    checkPort(name, port);
    return port;
  }

  static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException(name + " must be a port number (0-65535), got " + port);
    }
  }
}
