package io.lethe.embedded;

import java.nio.file.Path;

/**
 * Process-wide settings that must be in place before DJL or a logger loads: DJL offline (natives
 * come from the Maven Central jar on the class path), a cache directory, thread counts, and quiet
 * service logs unless asked for (they would tear the progress bar apart).
 */
public final class EmbeddedRuntime {
  private EmbeddedRuntime() {}

  public static void configure(boolean verbose) {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("java.awt.headless", "true");
    if (System.getenv("DJL_CACHE_DIR") == null) {
      setIfAbsent("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    }
    setIfAbsent(
        "ai.djl.pytorch.num_threads",
        Integer.toString(java.lang.Runtime.getRuntime().availableProcessors()));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    if (!verbose) {
      // The readiness probe of a starting broker logs every refused connection as a warning.
      setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
