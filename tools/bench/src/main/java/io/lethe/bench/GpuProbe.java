package io.lethe.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Loads the engine and says what it found: DJL and libtorch versions, where libtorch was loaded
 * from, whether it has CUDA and how many GPUs it sees, then runs one small matrix product on the
 * first GPU and reads it back. Exit 0 only if that worked; 3 if the engine sees no GPU; 4 if the
 * engine (libtorch or its JNI) would not load. Run by {@code tools/bench/gpu-check.sh} before
 * anything long, so a machine that cannot run the check says so in seconds.
 */
@Command(
    name = "gpu-probe",
    mixinStandardHelpOptions = true,
    description = {
      "Loads the engine, prints what libtorch it uses and how many GPUs it sees, and runs one"
          + " tensor operation on gpu:0. Exit 0 if it worked, 3 if DJL sees no GPU, 4 if the"
          + " engine did not load."
    })
public final class GpuProbe implements Callable<Integer> {
  static final int NO_GPU = 3;
  static final int NO_ENGINE = 4;

  /**
   * Runs without {@link BenchMain}, whose other commands need the service jars that the GPU pack
   * leaves out.
   */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new GpuProbe()).execute(args));
  }

  @Override
  public Integer call() {
    return probe(System.out, System.err);
  }

  /** The probe; {@code out} gets the facts, {@code err} the one-line verdict on failure. */
  static int probe(PrintStream out, PrintStream err) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("PYTORCH_LIBRARY_PATH", env("PYTORCH_LIBRARY_PATH"));
    facts.put("PYTORCH_VERSION", env("PYTORCH_VERSION"));
    facts.put("PYTORCH_FLAVOR", env("PYTORCH_FLAVOR"));
    Engine engine;
    try {
      engine = Engine.getInstance();
      facts.put("djl", Engine.getDjlVersion());
      facts.put("engine", engine.getEngineName() + " " + engine.getVersion());
      facts.put("libtorch", libtorchPath());
      facts.put("cuda", engine.hasCapability("CUDA"));
      facts.put("gpus", engine.getGpuCount());
    } catch (RuntimeException | LinkageError e) {
      print(out, facts);
      err.println(
          "gpu-probe: the engine did not load ("
              + rootMessage(e)
              + "). Check that PYTORCH_LIBRARY_PATH holds a libtorch "
              + "2.7.1 with CUDA and that PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 are set.");
      return NO_ENGINE;
    }
    if (engine.getGpuCount() < 1) {
      print(out, facts);
      err.println(
          "gpu-probe: DJL sees no GPU (engine "
              + engine.getEngineName()
              + " "
              + engine.getVersion()
              + ", CUDA capability "
              + engine.hasCapability("CUDA")
              + ", libtorch from "
              + libtorchPath()
              + "): is it a CUDA build, and does nvidia-smi list a GPU?");
      return NO_GPU;
    }
    try (NDManager manager = NDManager.newBaseManager(Device.gpu(0))) {
      NDArray a = manager.ones(new Shape(256, 256));
      float sum = a.matMul(a).sum().getFloat(); // 256 * 256 * 256
      facts.put("gpu:0 matmul check", sum == 256f * 256 * 256 ? "ok" : "WRONG (" + sum + ")");
      print(out, facts);
      if (sum != 256f * 256 * 256) {
        err.println("gpu-probe: a matrix product on gpu:0 gave " + sum + ", expected 16777216");
        return NO_GPU;
      }
    } catch (RuntimeException e) {
      print(out, facts);
      err.println("gpu-probe: a tensor operation on gpu:0 failed: " + rootMessage(e));
      return NO_GPU;
    }
    return 0;
  }

  /** Where the PyTorch engine loaded libtorch from (its own utility; empty if not PyTorch). */
  static String libtorchPath() {
    try {
      return ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    } catch (RuntimeException | LinkageError e) {
      return "(unknown: " + e + ")";
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null ? System.getProperty(name, "(unset)") : v;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static void print(PrintStream out, Map<String, Object> facts) {
    facts.forEach((k, v) -> out.println("  " + k + ": " + v));
    out.flush();
  }
}
