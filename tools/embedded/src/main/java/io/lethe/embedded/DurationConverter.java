package io.lethe.embedded;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** ISO-8601 ({@code PT10M}) or a number with unit s, m or h ({@code 90s}, {@code 10m}). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not a duration: use PT10M, 90s, 10m or 1h");
  }
}
