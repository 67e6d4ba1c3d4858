package io.lethe.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the engine runs, as operators write it: {@code cpu}, {@code gpu} (the first GPU, named
 * {@code gpu:0}) or {@code gpu:N}. The engine's own type, so services choose a device without
 * touching DJL; {@link #toDjl()} is DJL's {@link Device}. {@link #parse} only reads the name;
 * {@link #requireAvailable} asks the engine whether it can run there, so a job meant for a GPU
 * never runs silently on the CPU. Immutable.
 */
public final class ComputeDevice {
  private static final Pattern GPU = Pattern.compile("gpu(?::([0-9]{1,3}))?");
  private static final ComputeDevice CPU = new ComputeDevice(-1);

  /** -1 for the CPU, else the GPU's index. */
  private final int gpu;

  private ComputeDevice(int gpu) {
    this.gpu = gpu;
  }

  public static ComputeDevice cpu() {
    return CPU;
  }

  /** The GPU with index {@code id} (0 is the first). */
  public static ComputeDevice gpu(int id) {
    if (id < 0) {
      throw new IllegalArgumentException("a GPU index is 0 or more, got " + id);
    }
    return new ComputeDevice(id);
  }

  /**
   * @throws IllegalArgumentException if {@code name} is not {@code cpu}, {@code gpu} or {@code
   *     gpu:N} (N from 0 to 999); case and surrounding blanks are ignored
   */
  public static ComputeDevice parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("cpu")) {
      return CPU;
    }
    Matcher m = GPU.matcher(n);
    if (m.matches()) {
      return gpu(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }
    throw new IllegalArgumentException(
        "device must be cpu, gpu or gpu:N (N = 0, 1, ...), got '" + name + "'");
  }

  /** The device DJL calls {@code device}. */
  public static ComputeDevice of(Device device) {
    return device.isGpu() ? gpu(device.getDeviceId()) : CPU;
  }

  public boolean isGpu() {
    return gpu >= 0;
  }

  /** {@code cpu} or {@code gpu:N}: what results and metrics report. */
  public String name() {
    return isGpu() ? "gpu:" + gpu : "cpu";
  }

  public Device toDjl() {
    return isGpu() ? Device.gpu(gpu) : Device.cpu();
  }

  /**
   * Checks that the engine can run here: always on the CPU; on {@code gpu:N} the engine (loaded
   * here if it was not) must see at least N+1 GPUs.
   *
   * @return this device
   * @throws IllegalStateException naming the device, the engine and what it sees, if it cannot
   */
  public ComputeDevice requireAvailable() {
    if (!isGpu()) {
      return this;
    }
    Engine engine = Engine.getInstance();
    int gpus = engine.getGpuCount();
    if (gpu >= gpus) {
      throw new IllegalStateException(
          name()
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
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComputeDevice d && d.gpu == gpu;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(gpu);
  }

  @Override
  public String toString() {
    return name();
  }
}
