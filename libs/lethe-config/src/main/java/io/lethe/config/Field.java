package io.lethe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One setting a service reads from its environment: the variable's name, how its text becomes a
 * value, its default, what it is for and the rules the value must keep. A settings class declares
 * its fields once as constants and reads them with a {@link Configuration}, which reports every
 * malformed variable at once; the record's constructor calls {@link #check} so that values built in
 * code keep the same rules and messages.
 *
 * <p>Messages have one shape: {@code NAME must be <format>, got '<text>'} when the text does not
 * parse, {@code NAME must <rule>, got <value>} when the value breaks a rule. They show the text, so
 * a secret is read with {@link Env#optional} instead.
 *
 * @param <T> the value's type
 */
public final class Field<T> {
  /** Turns a variable's text into a value; any exception means the text is malformed. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String text) throws Exception;
  }

  private record Rule<T>(Predicate<T> test, String requirement) {}

  private final String name;
  private final String format;
  private final Parser<T> parser;
  private final T defaultValue;
  private final String description;
  private final List<Rule<T>> rules;

  private Field(
      String name,
      String format,
      Parser<T> parser,
      T defaultValue,
      String description,
      List<Rule<T>> rules) {
    this.name = Objects.requireNonNull(name, "name");
    this.format = Objects.requireNonNull(format, "format");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.defaultValue = defaultValue;
    this.description = description;
    this.rules = List.copyOf(rules);
  }

  /**
   * A field of variable {@code name} whose text {@code parser} reads; {@code format} says what a
   * valid text looks like ("an integer").
   */
  public static <T> Field<T> of(String name, String format, Parser<T> parser) {
    return new Field<>(name, format, parser, null, null, List.of());
  }

  /** Any text (trimmed). */
  public static Field<String> string(String name) {
    return of(name, "text", s -> s);
  }

  /** A decimal {@code int}. */
  public static Field<Integer> integer(String name) {
    return of(name, "an integer", Integer::parseInt);
  }

  /** A finite decimal number. */
  public static Field<Double> number(String name) {
    return of(name, "a number", Field::finite);
  }

  /** {@code true} or {@code false} (any case), nothing else: a typo must not switch a flag. */
  public static Field<Boolean> bool(String name) {
    return of(name, "true or false", Field::parseBool);
  }

  /** A TCP port, {@code 0} to {@code 65535}. */
  public static Field<Integer> port(String name) {
    return of(name, "a port number (0-65535)", Integer::parseInt)
        .optCheck(p -> p >= 0 && p <= 65535, "be a port number (0-65535)");
  }

  /** An ISO-8601 duration such as {@code PT30S}. */
  public static Field<Duration> duration(String name) {
    return of(name, "an ISO-8601 duration such as PT1S, PT30M or PT24H", Duration::parse);
  }

  /** An ISO-8601 duration ({@code PT90M}) or whole seconds ({@code 5400}). */
  public static Field<Duration> durationOrSeconds(String name) {
    return of(
        name,
        "an ISO-8601 duration (e.g. PT2H) or whole seconds",
        s ->
            s.chars().allMatch(Character::isDigit)
                ? Duration.ofSeconds(Long.parseLong(s))
                : Duration.parse(s));
  }

  /** A file system path. */
  public static Field<Path> path(String name) {
    return of(name, "a valid path", Path::of);
  }

  /** A copy whose value is {@code value} when the variable is unset or blank. */
  public Field<T> optDefault(T value) {
    return new Field<>(name, format, parser, value, description, rules);
  }

  /** A copy that says what the setting is for (documentation, errors of required fields). */
  public Field<T> optDescription(String text) {
    return new Field<>(name, format, parser, defaultValue, text, rules);
  }

  /**
   * A copy with one more rule: values failing {@code test} are refused with {@code NAME must
   * <requirement>, got <value>}, e.g. requirement {@code "be at least 1"}.
   */
  public Field<T> optCheck(Predicate<T> test, String requirement) {
    List<Rule<T>> more = new ArrayList<>(rules);
    more.add(new Rule<>(Objects.requireNonNull(test, "test"), requirement));
    return new Field<>(name, format, parser, defaultValue, description, more);
  }

  /** A copy refusing values outside {@code [min, max]}: {@code NAME must be in [min, max]}. */
  public <C extends Comparable<? super T>> Field<T> optRange(C min, C max) {
    return optRange(min, max, "be in [" + plain(min) + ", " + plain(max) + "]");
  }

  /**
   * Like {@link #optRange(Comparable, Comparable)}, refused with {@code NAME must <requirement>}.
   */
  public <C extends Comparable<? super T>> Field<T> optRange(C min, C max, String requirement) {
    return optCheck(v -> min.compareTo(v) <= 0 && max.compareTo(v) >= 0, requirement);
  }

  public String name() {
    return name;
  }

  /** The value of an unset variable; empty for a required field. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /**
   * The value of {@code text} (trimmed, not blank).
   *
   * @throws ConfigException naming the variable if the text does not parse or breaks a rule
   */
  public T parse(String text) {
    T value;
    try {
      value = parser.parse(text);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException(name + " must be " + format + ", got '" + text + "'");
    }
    return check(value);
  }

  /**
   * {@code value} if it keeps every rule.
   *
   * @throws ConfigException {@code NAME must <rule>, got <value>} for the first rule it breaks
   */
  public T check(T value) {
    for (Rule<T> rule : rules) {
      if (!rule.test().test(value)) {
        throw new ConfigException(name + " must " + rule.requirement() + ", got " + shown(value));
      }
    }
    return value;
  }

  /** Reads this field from {@code env}; see {@link Configuration#get(Field)}. */
  public T read(Map<String, String> env) {
    Configuration config = new Configuration(env);
    T value = config.get(this);
    config.validate();
    return value;
  }

  @Override
  public String toString() {
    return name;
  }

  private static Object shown(Object value) {
    return value instanceof String s ? "'" + s + "'" : value;
  }

  private static String plain(Object bound) {
    if (bound instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(bound);
  }

  private static double finite(String text) {
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      throw new NumberFormatException(text);
    }
    return d;
  }

  private static boolean parseBool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(text);
    };
  }
}
