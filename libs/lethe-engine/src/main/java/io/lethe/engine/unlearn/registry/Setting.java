package io.lethe.engine.unlearn.registry;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One key of a method's flat settings: its name, the type of value it takes, what it means and how
 * it is applied to the method's config builder. Values arrive as a command line, a benchmark file
 * or a JSON request has them: strings ("0.001", "true", "adam") or already typed (numbers,
 * booleans); {@link #apply} parses them and names the key in any error.
 *
 * @param <B> the config builder the setting is applied to
 */
public final class Setting<B> {
  /** The type of value a setting takes, and how an error says what it must be. */
  public enum Kind {
    INTEGER("an integer"),
    NUMBER("a number"),
    BOOLEAN("true or false"),
    TEXT(null),
    CHOICE(null);

    private final String expected;

    Kind(String expected) {
      this.expected = expected;
    }
  }

  private final String name;
  private final Kind kind;
  private final String expected;
  private final String description;
  private final boolean research;
  private final Function<Object, Object> parse;
  private final BiConsumer<B, Object> applier;

  @SuppressWarnings("unchecked")
  private <V> Setting(
      String name,
      Kind kind,
      String expected,
      String description,
      boolean research,
      Function<Object, V> parse,
      BiConsumer<B, ? super V> applier) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = kind;
    this.expected = expected;
    this.description = Objects.requireNonNull(description, "description");
    this.research = research;
    this.parse = (Function<Object, Object>) parse;
    this.applier = (BiConsumer<B, Object>) applier;
  }

  /** A whole number (a number with a fraction, such as 2.5, is refused). */
  public static <B> Setting<B> integer(String name, String desc, BiConsumer<B, Integer> applier) {
    return of(name, Kind.INTEGER, desc, Setting::toInt, applier);
  }

  /** A finite number. */
  public static <B> Setting<B> number(String name, String desc, BiConsumer<B, Double> applier) {
    return of(name, Kind.NUMBER, desc, Setting::toDouble, applier);
  }

  /** A finite number, applied as a float. */
  public static <B> Setting<B> floating(String name, String desc, BiConsumer<B, Float> applier) {
    return of(name, Kind.NUMBER, desc, v -> (float) toDouble(v), applier);
  }

  /** {@code true} or {@code false} (a boolean, or the text, in any case). */
  public static <B> Setting<B> bool(String name, String desc, BiConsumer<B, Boolean> applier) {
    return of(name, Kind.BOOLEAN, desc, Setting::toBoolean, applier);
  }

  /** Free text, checked by the applier. */
  public static <B> Setting<B> text(String name, String desc, BiConsumer<B, String> applier) {
    return of(name, Kind.TEXT, desc, String::valueOf, applier);
  }

  private static <B, V> Setting<B> of(
      String name, Kind kind, String desc, Function<Object, V> parse, BiConsumer<B, V> applier) {
    return new Setting<>(name, kind, kind.expected, desc, false, parse, applier);
  }

  /** One of {@code type}'s constants, named in any case. */
  public static <B, E extends Enum<E>> Setting<B> choice(
      String name, String description, Class<E> type, BiConsumer<B, E> applier) {
    String names =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(" or "));
    Function<Object, E> parse =
        v -> {
          try {
            return Enum.valueOf(type, v.toString().trim().toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new WrongType();
          }
        };
    return new Setting<>(name, Kind.CHOICE, names, description, false, parse, applier);
  }

  /**
   * This setting marked as an implementation variant kept for ablations (the authors' code's
   * choices), apart from the method's own settings.
   */
  public Setting<B> asResearch() {
    return new Setting<>(name, kind, expected, description, true, parse, applier);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** What a value must be ("an integer", "logits or embedding"), or null for free text. */
  public String expected() {
    return expected;
  }

  public String description() {
    return description;
  }

  /** Whether this is an implementation variant for ablations only (see {@link #asResearch()}). */
  public boolean research() {
    return research;
  }

  /**
   * Parses {@code raw} and applies it to {@code builder}.
   *
   * @throws SettingException naming {@code method} and this key when the value has the wrong type
   *     or the builder refuses it
   */
  void apply(String method, B builder, Object raw) {
    Object value;
    try {
      if (raw == null) {
        throw new WrongType();
      }
      value = parse.apply(raw);
    } catch (WrongType e) {
      throw SettingException.wrongType(method, this, raw, e.reason);
    }
    try {
      applier.accept(builder, value);
    } catch (IllegalArgumentException e) {
      throw SettingException.refused(method, this, raw, e);
    }
  }

  private static int toInt(Object v) {
    try {
      return new BigDecimal(v.toString().trim()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new WrongType();
    }
  }

  private static double toDouble(Object v) {
    double d;
    if (v instanceof Number n) {
      d = n.doubleValue();
    } else {
      try {
        d = Double.parseDouble(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new WrongType();
      }
    }
    if (!Double.isFinite(d)) {
      throw new WrongType("not a finite number");
    }
    return d;
  }

  private static boolean toBoolean(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new WrongType();
  }

  /** A value of the wrong type; {@code reason} null means "not" + the expected type. */
  private static final class WrongType extends RuntimeException {
    private final String reason;

    WrongType() {
      this(null);
    }

    WrongType(String reason) {
      super(null, null, false, false);
      this.reason = reason;
    }
  }
}
