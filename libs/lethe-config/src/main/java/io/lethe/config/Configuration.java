package io.lethe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a service's {@link Field}s from an environment map and collects what is wrong with them, so
 * that start-up names every malformed or missing variable at once instead of one per restart.
 * Values come from {@link Env} (so {@code X_FILE} may hold any {@code X}).
 *
 * <p>Read every field, then call {@link #validate()} (or {@link #build}) before using the values: a
 * field that failed reads as its default, or {@code null} without one.
 */
public final class Configuration {
  private final Env env;
  private final List<String> problems = new ArrayList<>();

  public Configuration(Map<String, String> vars) {
    this.env = new Env(vars);
  }

  /** The value of {@code field}, its default when unset; a malformed value is recorded. */
  public <T> T get(Field<T> field) {
    return optional(field).orElse(field.defaultValue().orElse(null));
  }

  /** The value of {@code field} when set (its default is not used); malformed: recorded, empty. */
  public <T> Optional<T> optional(Field<T> field) {
    Optional<String> text = attempt(() -> env.optional(field.name())).flatMap(t -> t);
    return text.flatMap(t -> attempt(() -> field.parse(t)));
  }

  /**
   * The value of {@code field}, which must be set: unset is recorded as {@code NAME is not set:
   * <description>}.
   */
  public <T> T required(Field<T> field) {
    Optional<String> text = attempt(() -> env.optional(field.name())).flatMap(t -> t);
    if (text.isEmpty()) {
      if (!failed(field.name())) {
        problems.add(field.name() + " is not set: " + field.description().orElse("required"));
      }
      return null;
    }
    return attempt(() -> field.parse(text.get())).orElse(null);
  }

  /**
   * What {@code reader} returns (another settings class's {@code fromEnv}); its {@link
   * ConfigException} is recorded, and so is an {@link IllegalArgumentException}, after {@code
   * context}.
   */
  public <T> T section(String context, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    } catch (IllegalArgumentException e) {
      problems.add(context + ": " + e.getMessage());
    }
    return null;
  }

  /**
   * Like {@link #section(String, Supplier)} for readers that throw only {@link ConfigException}.
   */
  public <T> T section(Supplier<T> reader) {
    return section("settings", reader);
  }

  /** Records a problem found across fields (the message names the variables). */
  public void reject(String problem) {
    problems.add(Objects.requireNonNull(problem, "problem"));
  }

  /** What is wrong so far, one message a variable. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * @throws ConfigException with every recorded problem (one alone is the whole message; several
   *     are joined with {@code "; "})
   */
  public void validate() {
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
  }

  /** {@link #validate()}, then the settings {@code factory} makes of the values read. */
  public <T> T build(Supplier<T> factory) {
    validate();
    return factory.get();
  }

  private boolean failed(String name) {
    return problems.stream().anyMatch(p -> p.contains(name));
  }

  private <T> Optional<T> attempt(Supplier<T> read) {
    try {
      return Optional.ofNullable(read.get());
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }
}
