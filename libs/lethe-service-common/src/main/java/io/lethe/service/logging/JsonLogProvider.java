package io.lethe.service.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An slf4j 2 provider writing one JSON object per line to {@code System.err} (looked up at every
 * line, so a test that swaps {@code System.err} captures it): {@code {"timestamp", "level",
 * "logger", "thread", "message", <MDC entries: request_id, correlation_id, ...>, "exception"}}.
 * Structured logs for the services, without a logging framework on the classpath (Logback and its
 * JSON encoders are not in the build's offline repository).
 *
 * <p>Selected with the system property {@code -Dslf4j.provider=io.lethe.service.logging.
 * JsonLogProvider} (slf4j ≥ 2.0.9) and {@code -Dslf4j.internal.verbosity=WARN} (else slf4j
 * announces the choice in one plain-text line), e.g. in {@code JAVA_TOOL_OPTIONS} of the services'
 * container image; without it the services keep slf4j-simple's plain text (the CLI, the embedded
 * demo's console and the tests, where a person reads the output). Levels: {@code LETHE_LOG_LEVEL}
 * (default {@code info}) and per logger-name prefix {@code LETHE_LOG_LEVELS} (e.g. {@code
 * org.apache.kafka=warn,io.lethe.worker=debug}; default {@code org.apache.kafka=warn}); the system
 * properties {@code lethe.log.level} / {@code lethe.log.levels} win over the environment.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  private ILoggerFactory loggers;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    markers = new BasicMarkerFactory();
    mdc = new BasicMDCAdapter();
    loggers = new Factory(Levels.fromEnvironment());
  }

  /** Minimum levels: a default and longest-prefix overrides. */
  record Levels(Level defaultLevel, List<Map.Entry<String, Level>> byPrefix) {
    static Levels fromEnvironment() {
      return parse(
          setting("lethe.log.level", "LETHE_LOG_LEVEL", "info"),
          setting("lethe.log.levels", "LETHE_LOG_LEVELS", "org.apache.kafka=warn"));
    }

    static Levels parse(String level, String levels) {
      List<Map.Entry<String, Level>> prefixes = new ArrayList<>();
      for (String entry : levels.split(",")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          prefixes.add(
              Map.entry(entry.substring(0, eq).strip(), level(entry.substring(eq + 1).strip())));
        }
      }
      prefixes.sort(
          Comparator.comparingInt((Map.Entry<String, Level> e) -> e.getKey().length()).reversed());
      return new Levels(level(level), List.copyOf(prefixes));
    }

    Level of(String logger) {
      for (Map.Entry<String, Level> e : byPrefix) {
        if (logger.startsWith(e.getKey())) {
          return e.getValue();
        }
      }
      return defaultLevel;
    }

    private static Level level(String name) {
      try {
        return Level.valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return Level.INFO;
      }
    }

    private static String setting(String property, String env, String fallback) {
      String v = System.getProperty(property);
      if (v == null || v.isBlank()) {
        v = System.getenv(env);
      }
      return v == null || v.isBlank() ? fallback : v;
    }
  }

  static final class Factory implements ILoggerFactory {
    private final Levels levels;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    Factory(Levels levels) {
      this.levels = levels;
    }

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levels.of(n)));
    }
  }

  /** Writes JSON lines; every level at or above its minimum is enabled. */
  static final class JsonLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final Object LOCK = new Object();
    private final int minimum;

    JsonLogger(String name, Level minimum) {
      this.name = name;
      this.minimum = minimum.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return Level.TRACE.toInt() >= minimum;
    }

    @Override
    public boolean isDebugEnabled() {
      return Level.DEBUG.toInt() >= minimum;
    }

    @Override
    public boolean isInfoEnabled() {
      return Level.INFO.toInt() >= minimum;
    }

    @Override
    public boolean isWarnEnabled() {
      return Level.WARN.toInt() >= minimum;
    }

    @Override
    public boolean isErrorEnabled() {
      return Level.ERROR.toInt() >= minimum;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
      String line = line(level, name, marker, pattern, args, throwable);
      PrintStream err = System.err;
      synchronized (LOCK) {
        err.println(line);
        err.flush();
      }
    }

    static String line(
        Level level, String logger, Marker marker, String pattern, Object[] args, Throwable t) {
      // The normalized call already split a trailing Throwable off the arguments.
      String message = pattern == null ? null : MessageFormatter.basicArrayFormat(pattern, args);
      StringBuilder b = new StringBuilder(160);
      b.append('{');
      field(b, "timestamp", Instant.now().toString());
      field(b, "level", level.name());
      field(b, "logger", logger);
      field(b, "thread", Thread.currentThread().getName());
      field(b, "message", message);
      if (marker != null) {
        field(b, "marker", marker.getName());
      }
      Map<String, String> context = MDC.getCopyOfContextMap();
      if (context != null) {
        context.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(e -> field(b, e.getKey(), e.getValue()));
      }
      if (t != null) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        field(b, "exception", trace.toString());
      }
      b.setLength(b.length() - 1); // the last comma
      return b.append('}').toString();
    }

    private static void field(StringBuilder b, String key, String value) {
      quote(b, key).append(':');
      if (value == null) {
        b.append("null");
      } else {
        quote(b, value);
      }
      b.append(',');
    }

    static StringBuilder quote(StringBuilder b, String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"');
    }
  }
}
