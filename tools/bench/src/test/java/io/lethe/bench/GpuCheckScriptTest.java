package io.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check cannot run here (no NVIDIA GPU): what it must do on such a machine is fail fast,
 * with one clear line and its own exit code. {@code tools/bench/gpu-check.sh} runs with a PATH that
 * holds only the tools it needs, plus, per case, a fake {@code nvidia-smi}; then the Java probe and
 * check refuse a GPU the engine does not see.
 */
class GpuCheckScriptTest {
  private static final Path SCRIPT = Path.of("gpu-check.sh").toAbsolutePath();
  private static final Duration FAST = Duration.ofSeconds(5);

  @TempDir Path dir;
  private Path bin;

  @BeforeEach
  void toolsWithoutNvidiaSmi() throws IOException {
    bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("dirname", "timeout", "sed", "head", "tr", "mkdir")) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(
          bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
  }

  private record Run(int exit, String err, Duration took) {}

  private Run run(Map<String, String> extra) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPT.toString());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", bin.toString());
    env.put("HOME", dir.toString());
    env.putAll(extra);
    pb.directory(dir.toFile());
    pb.redirectOutput(dir.resolve("out.txt").toFile());
    pb.redirectError(dir.resolve("err.txt").toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("gpu-check.sh finished").isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt")), took);
  }

  private void fakeNvidiaSmi(int exit, String output) throws IOException {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/bash\necho '" + output + "'\nexit " + exit + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void assertFailsFast(Run r, int exit, String message) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(exit);
    String last = r.err().strip().lines().reduce((first, second) -> second).orElse("");
    assertThat(last)
        .as("the last line of stderr")
        .startsWith("gpu-check: FAILED: ")
        .contains(message);
    assertThat(r.err().lines().filter(l -> l.startsWith("gpu-check: FAILED")).count()).isOne();
    assertThat(r.took()).isLessThan(FAST);
  }

  /** A torch lib folder; {@code version} goes to ../version.py as a pip wheel has it. */
  private Path torchLib(boolean cuda, String version) throws IOException {
    Path lib = Files.createDirectories(dir.resolve("torch/lib"));
    Files.write(lib.resolve("libtorch.so"), new byte[0]);
    if (cuda) {
      Files.write(lib.resolve("libtorch_cuda.so"), new byte[0]);
      Files.write(lib.resolve("libc10_cuda.so"), new byte[0]);
    }
    if (version != null) {
      Files.writeString(dir.resolve("torch/version.py"), "__version__ = '" + version + "'\n");
    }
    return lib;
  }

  @Test
  void withoutNvidiaSmiItSaysThereIsNoDriver() throws Exception {
    assertFailsFast(run(Map.of()), 10, "nvidia-smi not found: no NVIDIA driver");
  }

  @Test
  void aFailingNvidiaSmiMeansNoUsableGpu() throws Exception {
    fakeNvidiaSmi(9, "NVIDIA-SMI has failed because it could not communicate with the driver");
    assertFailsFast(
        run(Map.of()),
        11,
        "nvidia-smi failed, so the driver sees no usable GPU: NVIDIA-SMI has failed");
  }

  @Test
  void anNvidiaSmiListingNothingMeansNoGpu() throws Exception {
    fakeNvidiaSmi(0, "");
    assertFailsFast(run(Map.of()), 12, "nvidia-smi lists no GPU");
  }

  @Test
  void aGpuWithoutPytorchLibraryPathAsksForIt() throws Exception {
    fakeNvidiaSmi(0, "0, NVIDIA L4, 550.54.15, 23034 MiB");
    assertFailsFast(run(Map.of()), 20, "PYTORCH_LIBRARY_PATH is not set");
  }

  @Test
  void aFolderWithoutLibtorchIsRefused() throws Exception {
    fakeNvidiaSmi(0, "0, NVIDIA L4, 550.54.15, 23034 MiB");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertFailsFast(
        run(Map.of("PYTORCH_LIBRARY_PATH", empty.toString())),
        21,
        "PYTORCH_LIBRARY_PATH=" + empty + " holds no libtorch.so");
  }

  @Test
  void aCpuOnlyTorchIsRefused() throws Exception {
    fakeNvidiaSmi(0, "0, NVIDIA L4, 550.54.15, 23034 MiB");
    Path lib = torchLib(false, "2.7.1+cpu");
    assertFailsFast(
        run(Map.of("PYTORCH_LIBRARY_PATH", lib.toString())),
        22,
        "holds no libtorch_cuda.so: this torch is a CPU-only build");
  }

  @Test
  void anotherTorchVersionIsRefusedNamingTheOneThatWorks() throws Exception {
    fakeNvidiaSmi(0, "0, NVIDIA L4, 550.54.15, 23034 MiB");
    Path lib = torchLib(true, "2.5.1+cu124");
    assertFailsFast(
        run(Map.of("PYTORCH_LIBRARY_PATH", lib.toString())),
        23,
        "is torch 2.5.1+cu124; DJL 0.36.0's only JNI (pytorch-jni 2.7.1-0.36.0) needs torch 2.7.1");
    Path ok = torchLib(true, "2.7.1+cu128");
    assertFailsFast(
        run(Map.of("PYTORCH_LIBRARY_PATH", ok.toString(), "PYTORCH_VERSION", "2.5.1")),
        23,
        "PYTORCH_VERSION=2.5.1");
  }

  @Test
  void theRightTorchOutsideThePackAsksForThePack() throws Exception {
    fakeNvidiaSmi(0, "0, NVIDIA L4, 550.54.15, 23034 MiB");
    Path lib = torchLib(true, "2.7.1+cu128");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Map<String, String> env = new HashMap<>();
    env.put("PYTORCH_LIBRARY_PATH", lib.toString());
    env.put("JAVA", java.toString());
    Run r = run(env);
    // tools/bench/ holds the script but not the jars: only a pack made by gpu-pack.sh does.
    assertFailsFast(r, 31, "no pack next to this script");
    assertThat(r.err()).contains("libtorch: " + lib + " (torch 2.7.1+cu128)");
  }

  @Test
  void theMeasurementsRefuseAGpuTheEngineDoesNotSeeInsteadOfMeasuringTheCpu() {
    int gpus = ai.djl.engine.Engine.getInstance().getGpuCount();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit =
        GpuCheck.commandLine()
            .setErr(new java.io.PrintWriter(err, true))
            .execute("--device", "gpu:" + gpus, "--output-dir", dir.resolve("out").toString());
    assertThat(exit).isEqualTo(GpuProbe.NO_GPU);
    assertThat(err.toString()).startsWith("gpu-check: gpu:" + gpus + " requested but the engine");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void theProbeSaysDjlSeesNoGpuAndExits3() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        GpuProbe.probe(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    // This machine has no GPU; on one with a GPU and a CUDA libtorch the probe would pass.
    if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
      assertThat(exit).isEqualTo(GpuProbe.NO_GPU);
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("gpu-probe: DJL sees no GPU");
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("engine: PyTorch 2.7.1")
          .contains("gpus: 0");
    } else {
      assertThat(exit).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("gpu:0 matmul check: ok");
    }
  }
}
