package io.lethe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads from an environment map (typed reads: {@link Field} with {@link Configuration}). A map
 * rather than {@link System#getenv()} so that tests can pass their own; every error names the
 * variable.
 *
 * <p><b>Secrets from files.</b> Every variable {@code X} may instead be given as {@code X_FILE},
 * the path of a file holding the value (read once, trimmed): the convention of Docker and
 * Kubernetes secrets, so a password never has to sit in the environment, where {@code docker
 * inspect} and {@code /proc/<pid>/environ} show it. Setting both {@code X} and {@code X_FILE} is an
 * error, not a silent choice. Error messages name the variables and the path, never the value.
 */
public final class Env {
  /** Suffix of a variable that names the file holding another variable's value. */
  public static final String FILE_SUFFIX = "_FILE";

  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Objects.requireNonNull(vars, "vars");
  }

  /**
   * The trimmed value of {@code name}, or of the file {@code name_FILE} names; empty when neither
   * is set (or the value is blank).
   *
   * @throws ConfigException if both are set, or the file cannot be read
   */
  public Optional<String> optional(String name) {
    Optional<String> direct = plain(name);
    Optional<String> file = plain(name + FILE_SUFFIX);
    if (file.isEmpty()) {
      return direct;
    }
    if (direct.isPresent()) {
      throw new ConfigException(
          "both " + name + " and " + name + FILE_SUFFIX + " are set: choose one");
    }
    String content = read(name + FILE_SUFFIX, file.get());
    return content.isBlank() ? Optional.empty() : Optional.of(content.trim());
  }

  /**
   * Like {@link #optional(String)}.
   *
   * @throws ConfigException naming {@code name} if neither it nor {@code name_FILE} is set
   */
  public String required(String name, String what) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is not set: " + what));
  }

  private Optional<String> plain(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static String read(String variable, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | InvalidPathException e) {
      throw new ConfigException(
          variable
              + " names '"
              + path
              + "', which cannot be read: "
              + e.getClass().getSimpleName());
    }
  }
}
