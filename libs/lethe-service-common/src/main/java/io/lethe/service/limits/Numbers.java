package io.lethe.service.limits;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/** Exact views of the numbers a JSON decoder produces, and short renderings for messages. */
final class Numbers {
  private static final int MAX_SHOWN = 40;

  private Numbers() {}

  /** {@code value} as an exact decimal; empty for non-numbers, NaN and infinities. */
  static Optional<BigDecimal> decimal(Object value) {
    if (value instanceof BigDecimal d) {
      return Optional.of(d);
    }
    if (value instanceof BigInteger i) {
      return Optional.of(new BigDecimal(i));
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return Optional.of(BigDecimal.valueOf(((Number) value).longValue()));
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      // Double.toString is the shortest exact rendering: 0.1 stays 0.1, not 0.1000000000000000055.
      return Double.isFinite(d) ? Optional.of(new BigDecimal(value.toString())) : Optional.empty();
    }
    return Optional.empty();
  }

  /** {@code value} for an error message: strings quoted, anything long cut. */
  static String show(Object value) {
    String s = value instanceof String str ? '"' + str + '"' : String.valueOf(value);
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN - 1) + "…";
  }

  /** The two ends of {@code min..max}, or the one value twice. */
  static String[] ends(String text) {
    String[] parts = text.trim().split("\\.\\.", -1);
    if (parts.length == 1) {
      return new String[] {parts[0].trim(), parts[0].trim()};
    }
    if (parts.length == 2) {
      return new String[] {parts[0].trim(), parts[1].trim()};
    }
    throw new IllegalArgumentException("expected min..max or a single value");
  }
}
