package io.lethe.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Process-wide settings DJL reads once, when its engine loads, so every entry point (CLI, pipeline,
 * services, benchmarks) calls this before its first engine call: offline mode (the natives come
 * from the Maven Central jar on the class path, never from the network), a cache directory,
 * libtorch's thread counts, headless AWT for charts, and DJL's CUDA probe quiet on a CPU machine. A
 * system property already set (e.g. {@code -Dai.djl.pytorch.num_threads=1}) wins over these
 * defaults.
 */
public final class EngineRuntime {
  public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  public static final String OFFLINE = "ai.djl.offline";

  /**
   * Where the engine writes the files native loaders need (a TorchScript module is loaded from a
   * file): a directory its owner deletes, e.g. a worker's scratch space. Default {@code
   * java.io.tmpdir}.
   */
  public static final String TEMP_DIR = "lethe.engine.tmpdir";

  private EngineRuntime() {}

  /** The defaults, with one libtorch intra-op thread per available processor. */
  public static void configure() {
    configure(null, java.lang.Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param threads libtorch intra-op threads to use whatever the system properties say, or null to
   *     keep {@value #NUM_THREADS} if set
   * @param defaultThreads the intra-op threads when neither {@code threads} nor the property is set
   */
  public static void configure(Integer threads, int defaultThreads) {
    setIfAbsent(OFFLINE, "true");
    setIfAbsent("java.awt.headless", "true");
    if (System.getenv("DJL_CACHE_DIR") == null) {
      setIfAbsent("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    }
    if (threads != null) {
      System.setProperty(NUM_THREADS, Integer.toString(threads));
    } else {
      setIfAbsent(NUM_THREADS, Integer.toString(defaultThreads));
    }
    setIfAbsent(NUM_INTEROP_THREADS, "1");
    // "Failed to detect GPU count" is DJL probing for CUDA on every start; on a CPU machine it is
    // expected, not a warning worth a user's attention.
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
  }

  /**
   * A new directory for files a native loader needs, in the directory named by {@value #TEMP_DIR},
   * or in {@code java.io.tmpdir} when none is named or the named one is gone (its owner stopped).
   * The caller deletes it.
   */
  public static Path createTempDirectory(String prefix) throws IOException {
    String dir = System.getProperty(TEMP_DIR);
    if (dir != null) {
      try {
        return Files.createTempDirectory(Path.of(dir), prefix);
      } catch (NoSuchFileException e) {
        // Fall through: the owner of the directory deleted it.
      }
    }
    return Files.createTempDirectory(prefix);
  }

  /** Sets a system property unless it is already set. */
  public static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
