package io.lethe.service.limits;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The values one hyperparameter may take: an integer or decimal range (both ends inclusive), a
 * choice of booleans or a choice of names. Numbers are compared as {@link BigDecimal}, so {@code
 * 2000000000}, {@code 1e400} or {@code 2.0} are judged exactly, never after an overflowing or
 * rounding conversion.
 */
public sealed interface Bound permits Bound.IntegerRange, Bound.DecimalRange, Bound.Choice {

  /**
   * What is wrong with {@code value}, e.g. {@code "must be an integer in 1..50, got 2000000000"};
   * empty when it is allowed.
   */
  Optional<String> problem(Object value);

  /** The range as written in {@code LETHE_HYPERPARAMETER_LIMITS}: {@code 1..50}, {@code true}. */
  String spec();

  /** Whether every value {@code other} allows is also allowed here (same kind required). */
  boolean covers(Bound other);

  /** The values at the edges of the range, as a JSON decoder would hand them over. */
  List<Object> edges();

  /** A bound of the same kind read from its {@link #spec()} form. */
  Bound parseSameKind(String text);

  /** Integers from {@code min} to {@code max}; {@code 2.0} counts as the integer 2. */
  record IntegerRange(long min, long max) implements Bound {
    public IntegerRange {
      if (min > max) {
        throw new IllegalArgumentException("empty range " + min + ".." + max);
      }
    }

    @Override
    public Optional<String> problem(Object value) {
      BigDecimal v = Numbers.decimal(value).orElse(null);
      if (v == null || v.stripTrailingZeros().scale() > 0) {
        return Optional.of("must be an integer in " + spec() + ", got " + Numbers.show(value));
      }
      if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
        return Optional.of("must be in " + spec() + ", got " + Numbers.show(value));
      }
      return Optional.empty();
    }

    @Override
    public String spec() {
      return min == max ? Long.toString(min) : min + ".." + max;
    }

    @Override
    public boolean covers(Bound other) {
      return other instanceof IntegerRange o && min <= o.min && o.max <= max;
    }

    @Override
    public List<Object> edges() {
      return min == max ? List.of(min) : List.of(min, max);
    }

    @Override
    public Bound parseSameKind(String text) {
      String[] ends = Numbers.ends(text);
      try {
        return new IntegerRange(Long.parseLong(ends[0]), Long.parseLong(ends[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected integers min..max (or one integer)");
      }
    }
  }

  /** Finite numbers from {@code min} to {@code max}. */
  record DecimalRange(BigDecimal min, BigDecimal max) implements Bound {
    public DecimalRange {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      // Normalised, so that 1e2 and 100 are the same range (BigDecimal.equals counts the scale).
      min = min.stripTrailingZeros();
      max = max.stripTrailingZeros();
      if (min.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "empty range " + min.toPlainString() + ".." + max.toPlainString());
      }
    }

    /** A range from decimal literals, e.g. {@code of("1e-6", "0.5")}. */
    public static DecimalRange of(String min, String max) {
      return new DecimalRange(new BigDecimal(min), new BigDecimal(max));
    }

    @Override
    public Optional<String> problem(Object value) {
      BigDecimal v = Numbers.decimal(value).orElse(null);
      if (v == null) {
        return Optional.of("must be a number in " + spec() + ", got " + Numbers.show(value));
      }
      if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
        return Optional.of("must be in " + spec() + ", got " + Numbers.show(value));
      }
      return Optional.empty();
    }

    @Override
    public String spec() {
      String lo = min.toPlainString();
      return min.compareTo(max) == 0 ? lo : lo + ".." + max.toPlainString();
    }

    @Override
    public boolean covers(Bound other) {
      return other instanceof DecimalRange o
          && min.compareTo(o.min) <= 0
          && o.max.compareTo(max) <= 0;
    }

    @Override
    public List<Object> edges() {
      return List.of(min.doubleValue(), max.doubleValue());
    }

    @Override
    public Bound parseSameKind(String text) {
      String[] ends = Numbers.ends(text);
      try {
        return new DecimalRange(new BigDecimal(ends[0]), new BigDecimal(ends[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected numbers min..max (or one number)");
      }
    }
  }

  /**
   * A set of allowed values, written as they are joined by {@code |} in sorted order.
   *
   * @param <T> the type of the values
   */
  sealed interface Choice<T extends Comparable<T>> extends Bound permits BooleanChoice, NameChoice {
    /** The values allowed. */
    Set<T> allowed();

    @Override
    default String spec() {
      return String.join("|", new TreeSet<>(allowed().stream().map(String::valueOf).toList()));
    }

    @Override
    default boolean covers(Bound other) {
      return other.getClass() == getClass() && allowed().containsAll(((Choice<?>) other).allowed());
    }

    @Override
    default List<Object> edges() {
      return List.copyOf(new TreeSet<>(allowed()));
    }
  }

  /** {@code true}, {@code false} or both. */
  record BooleanChoice(Set<Boolean> allowed) implements Choice<Boolean> {
    public static final BooleanChoice EITHER = new BooleanChoice(Set.of(true, false));

    public BooleanChoice {
      allowed = Set.copyOf(allowed);
      if (allowed.isEmpty()) {
        throw new IllegalArgumentException("no boolean allowed");
      }
    }

    @Override
    public Optional<String> problem(Object value) {
      if (!(value instanceof Boolean b)) {
        return Optional.of("must be a boolean (" + spec() + "), got " + Numbers.show(value));
      }
      return allowed.contains(b)
          ? Optional.empty()
          : Optional.of("must be " + spec() + ", got " + b);
    }

    @Override
    public Bound parseSameKind(String text) {
      Set<Boolean> values = new TreeSet<>();
      for (String part : text.split("\\|", -1)) {
        switch (part.trim()) {
          case "true" -> values.add(true);
          case "false" -> values.add(false);
          default -> throw new IllegalArgumentException("expected true, false or true|false");
        }
      }
      return new BooleanChoice(values);
    }
  }

  /** One of a fixed set of names (lower case; a value may name one in any case). */
  record NameChoice(Set<String> allowed) implements Choice<String> {
    public NameChoice {
      allowed = Set.copyOf(allowed);
      if (allowed.isEmpty()) {
        throw new IllegalArgumentException("no name allowed");
      }
      for (String name : allowed) {
        if (!name.equals(normal(name)) || name.isEmpty() || name.contains("|")) {
          throw new IllegalArgumentException("not a lower-case name: '" + name + "'");
        }
      }
    }

    /** The choice of {@code names}. */
    public static NameChoice of(String... names) {
      return new NameChoice(Set.of(names));
    }

    @Override
    public Optional<String> problem(Object value) {
      if (value instanceof String s && allowed.contains(normal(s))) {
        return Optional.empty();
      }
      return Optional.of("must be one of " + spec() + ", got " + Numbers.show(value));
    }

    @Override
    public Bound parseSameKind(String text) {
      Set<String> values = new TreeSet<>();
      for (String part : text.split("\\|", -1)) {
        String name = normal(part);
        if (name.isEmpty()) {
          throw new IllegalArgumentException("expected names separated by |");
        }
        values.add(name);
      }
      return new NameChoice(values);
    }

    private static String normal(String name) {
      return name.trim().toLowerCase(Locale.ROOT);
    }
  }
}
