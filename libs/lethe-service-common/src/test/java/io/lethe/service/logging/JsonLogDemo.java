package io.lethe.service.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Run by JsonLogProviderTest in a child JVM with {@code -Dslf4j.provider=...JsonLogProvider}. */
public final class JsonLogDemo {
  record ForgetLike(String requestId, String modelId) {}

  record NoId(String modelId) {}

  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger("io.lethe.worker.Worker");
    try (LogContext ids = LogContext.ofRecord(new ForgetLike("req-1", "m"), "corr-9")) {
      log.info("job {} \"started\"\non {}", "req-1", "m");
      try (LogContext inner = LogContext.ofRecord(new NoId("m"), "corr-2")) {
        log.info("nested");
      }
      log.warn("failed", new IllegalStateException("boom"));
    }
    log.info("outside, MDC request id {}", MDC.get(LogContext.REQUEST_ID));
    LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").info("hidden at info");
  }
}
