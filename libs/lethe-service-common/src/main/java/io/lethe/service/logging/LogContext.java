package io.lethe.service.logging;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;

/**
 * The request id and correlation id of what a thread is handling, in the slf4j {@link MDC} under
 * {@value #REQUEST_ID} and {@value #CORRELATION_ID}: the JSON logs ({@link JsonLogProvider}) carry
 * them on every line logged meanwhile. Set around the synchronous part of a record's handling (the
 * consumer's handler call, a worker job's steps, an HTTP handler) with try-with-resources; the
 * previous values come back on close, so nesting is safe.
 *
 * <p>Only identifiers go here, never a subject id or any other personal data.
 */
public final class LogContext implements AutoCloseable {
  public static final String REQUEST_ID = "request_id";
  public static final String CORRELATION_ID = "correlation_id";

  private static final Map<Class<?>, RecordComponent> REQUEST_ID_COMPONENT =
      new ConcurrentHashMap<>();
  private final Map<String, String> previous = new LinkedHashMap<>();

  private LogContext(Map<String, String> values) {
    values.forEach(
        (k, v) -> {
          previous.put(k, MDC.get(k));
          if (v == null) {
            MDC.remove(k);
          } else {
            MDC.put(k, v);
          }
        });
  }

  /** Sets both ids (null leaves an id unset for the scope). */
  public static LogContext of(String requestId, String correlationId) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(REQUEST_ID, requestId);
    values.put(CORRELATION_ID, correlationId);
    return new LogContext(values);
  }

  /**
   * The ids of a record's handling: {@code requestId} if the record has such a component (forget
   * requests, unlearning results, evaluations do), and the correlation id header.
   */
  public static LogContext ofRecord(Object value, String correlationId) {
    return of(requestIdOf(value), correlationId);
  }

  /** A record's {@code requestId} component as a string, or null. */
  static String requestIdOf(Object value) {
    if (value == null || !value.getClass().isRecord()) {
      return null;
    }
    RecordComponent c =
        REQUEST_ID_COMPONENT.computeIfAbsent(
            value.getClass(),
            k -> {
              for (RecordComponent rc : k.getRecordComponents()) {
                if (rc.getName().equals("requestId")) {
                  return rc;
                }
              }
              return Placeholder.COMPONENT;
            });
    if (c == Placeholder.COMPONENT) {
      return null;
    }
    try {
      Object id = c.getAccessor().invoke(value);
      return id == null ? null : id.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    previous.forEach(
        (k, v) -> {
          if (v == null) {
            MDC.remove(k);
          } else {
            MDC.put(k, v);
          }
        });
  }

  /** A record component standing for "this class has no requestId" in the cache. */
  private record Placeholder(int none) {
    static final RecordComponent COMPONENT = Placeholder.class.getRecordComponents()[0];
  }
}
