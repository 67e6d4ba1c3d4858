package io.lethe.embedded;

import io.lethe.engine.EngineRuntime;

/**
 * Process-wide settings that must be in place before DJL or a logger loads: the engine's ({@link
 * EngineRuntime}) and quiet service logs unless asked for (they would tear the progress bar apart).
 */
public final class EmbeddedRuntime {
  private EmbeddedRuntime() {}

  public static void configure(boolean verbose) {
    EngineRuntime.configure();
    EngineRuntime.setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    if (!verbose) {
      // The readiness probe of a starting broker logs every refused connection as a warning.
      EngineRuntime.setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }
  }
}
