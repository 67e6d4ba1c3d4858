package io.lethe.bench.throughput;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Facts about the machine and this process that a throughput number depends on. */
final class MachineFacts {
  private MachineFacts() {}

  /** CPU, OS, JVM, DJL engine and thread settings, and the load average now. */
  static Map<String, Object> collect() {
    Engine engine = Engine.getInstance(); // loads libtorch with the configured properties
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", Instant.now().toString());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put(
        "java",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    m.put("djl", Engine.getDjlVersion());
    m.put("engine", engine.getEngineName());
    m.put("libtorch", engine.getVersion());
    m.put("gpus", engine.getGpuCount());
    m.put("numThreads", System.getProperty("ai.djl.pytorch.num_threads"));
    m.put("numInteropThreads", System.getProperty("ai.djl.pytorch.num_interop_threads"));
    m.put("djlOffline", System.getProperty("ai.djl.offline"));
    m.put(
        "djlCacheDir",
        System.getenv("DJL_CACHE_DIR") != null
            ? System.getenv("DJL_CACHE_DIR")
            : System.getProperty("DJL_CACHE_DIR"));
    m.put("loadAverageStart", loadAverage());
    return m;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg prints them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** The 1 minute load average. */
  static String load() {
    return loadAverage().split(" ")[0];
  }

  /** Resident set size of this process in MiB (native memory included), or -1. */
  static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
