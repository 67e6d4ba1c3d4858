package io.lethe.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device names as operators write them: {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}.
 * {@link #parse} only reads the name; {@link #requireAvailable} asks the engine whether it can run
 * there, so a job meant for a GPU never runs silently on the CPU.
 */
public final class Devices {
  private static final Pattern GPU = Pattern.compile("gpu(?::([0-9]{1,3}))?");

  private Devices() {}

  /**
   * @throws IllegalArgumentException if {@code name} is not {@code cpu}, {@code gpu} or {@code
   *     gpu:N} (N from 0 to 999)
   */
  public static Device parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("cpu")) {
      return Device.cpu();
    }
    Matcher m = GPU.matcher(n);
    if (m.matches()) {
      return Device.gpu(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }
    throw new IllegalArgumentException(
        "device must be cpu, gpu or gpu:N (N = 0, 1, ...), got '" + name + "'");
  }

  /** The operator's spelling of {@code device}: {@code cpu} or {@code gpu:N}. */
  public static String name(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }

  /**
   * Checks that the engine can run on {@code device}: always for the CPU; for {@code gpu:N} the
   * engine (loaded here if it was not) must see at least N+1 GPUs.
   *
   * @return {@code device}
   * @throws IllegalStateException naming the device, the engine and its libtorch if it cannot
   */
  public static Device requireAvailable(Device device) {
    if (!device.isGpu()) {
      return device;
    }
    Engine engine = Engine.getInstance();
    int gpus = engine.getGpuCount();
    if (device.getDeviceId() >= gpus) {
      throw new IllegalStateException(
          name(device)
              + " requested but the engine ("
              + engine.getEngineName()
              + " "
              + engine.getVersion()
              + ") sees "
              + (gpus == 0 ? "no GPU" : gpus + " GPU(s), gpu:0 to gpu:" + (gpus - 1))
              + (gpus == 0
                  ? ": it needs an NVIDIA GPU and a CUDA libtorch (PYTORCH_LIBRARY_PATH,"
                      + " PYTORCH_VERSION, PYTORCH_FLAVOR; see docs/operations.md)"
                  : ""));
    }
    return device;
  }
}
