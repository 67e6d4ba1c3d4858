package io.lethe.cli;

import java.nio.file.Path;

/**
 * Process-wide settings that must be in place before DJL loads its engine: offline mode (natives
 * come from the Maven Central jar on the class path, never from the network), a cache directory,
 * thread counts, headless AWT for the charts.
 */
final class Runtime {
  private Runtime() {}

  static void configure() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("java.awt.headless", "true");
    if (System.getenv("DJL_CACHE_DIR") == null) {
      setIfAbsent("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    }
    setIfAbsent(
        "ai.djl.pytorch.num_threads",
        Integer.toString(java.lang.Runtime.getRuntime().availableProcessors()));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // "Failed to detect GPU count" is DJL probing for CUDA on every start; on a CPU machine it is
    // expected, not a warning worth a user's attention.
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
