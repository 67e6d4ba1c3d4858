package io.lethe.bench;

import java.util.Locale;

/** The benchmarks' one-line status messages: {@code [bench] ...} on standard error. */
public final class BenchLog {
  private BenchLog() {}

  /** Prints one {@code [bench]} line (formatted in {@link Locale#ROOT}) and flushes. */
  public static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    System.err.flush();
  }
}
