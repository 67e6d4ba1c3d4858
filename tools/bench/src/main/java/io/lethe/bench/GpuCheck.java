package io.lethe.bench;

import io.lethe.bench.throughput.EngineThroughputBenchmark;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The GPU check's measurements, CPU beside GPU, in one JVM: the throughput micro-benchmarks of
 * {@link EngineThroughputBenchmark} (ResNet-18, synthetic RGB input of each {@code --sides}: train
 * step, DLFD perturbation step, eval forward) on both devices, then one unlearning job as the
 * worker runs it ({@link ModelLineage#unlearn} with DLFD on a checkpoint) on both devices, and one
 * Markdown table. Run by {@code tools/bench/gpu-check.sh} after {@code gpu-probe}.
 */
@Command(
    name = "gpu-check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Throughput (train, DLFD perturbation, eval img/s) of ResNet-18 at each side and one DLFD"
          + " unlearning job, on the CPU and on --device, as one Markdown table."
    })
public final class GpuCheck implements Callable<Integer> {
  @Option(
      names = "--device",
      defaultValue = "gpu",
      description = "The accelerated column: gpu, gpu:N (or cpu, to try the check without a GPU).")
  String deviceName;

  @Option(
      names = "--data-dir",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description =
          "Fashion-MNIST IDX directory for the unlearning job (the pack carries a subset in"
              + " data/fashion-mnist; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--sides",
      split = ",",
      defaultValue = "64,224",
      description = "Input sides of the throughput rows (default: ${DEFAULT-VALUE}).")
  List<Integer> sides;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed iterations per micro-benchmark (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--iterations",
      defaultValue = "5",
      description = "Timed iterations per micro-benchmark (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--cpu-warmup",
      defaultValue = "1",
      description =
          "Untimed iterations on the CPU (default: ${DEFAULT-VALUE}; the CPU is slow at 224 px).")
  int cpuWarmup;

  @Option(
      names = "--cpu-iterations",
      defaultValue = "3",
      description = "Timed iterations on the CPU (default: ${DEFAULT-VALUE}).")
  int cpuIterations;

  @Option(
      names = "--threads",
      description = "libtorch intra-op threads on the CPU (default: every core of this machine).")
  Integer threads;

  @Option(
      names = "--job-train-limit",
      defaultValue = "400",
      description =
          "Fashion-MNIST training images of the unlearning job's dataset (class-stratified;"
              + " default: ${DEFAULT-VALUE}).")
  int jobTrainLimit;

  @Option(
      names = "--job-forget-subjects",
      defaultValue = "2",
      description = "Subjects (10 images each) the job forgets (default: ${DEFAULT-VALUE}).")
  int jobForgetSubjects;

  @Option(
      names = "--skip-cpu-job",
      description = "Run the unlearning job on --device only (the CPU cell stays empty).")
  boolean skipCpuJob;

  @Option(
      names = "--output-dir",
      defaultValue = "gpu-check-results",
      description = "Where the table, the JSON files and the job's checkpoints go.")
  Path outputDir;

  /**
   * Runs without {@link BenchMain}, whose other commands need the service jars that the GPU pack
   * leaves out. A device the engine does not see, or a bad option, is one line and exit 3 or 2.
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command with its one-line error handling. */
  static CommandLine commandLine() {
    return new CommandLine(new GpuCheck())
        .setExecutionExceptionHandler(
            (ex, cli, parsed) -> {
              if (ex instanceof IllegalStateException || ex instanceof IllegalArgumentException) {
                cli.getErr().println("gpu-check: " + ex.getMessage());
                return ex instanceof IllegalStateException ? GpuProbe.NO_GPU : 2;
              }
              throw ex;
            });
  }

  @Override
  public Integer call() throws Exception {
    ComputeDevice accelerated = ComputeDevice.parse(deviceName);
    int cpuThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    // Before the engine loads: offline, our thread count, the same for both columns.
    io.lethe.engine.EngineRuntime.configure(cpuThreads, cpuThreads);
    accelerated.requireAvailable();
    Files.createDirectories(outputDir);
    String gpu = accelerated.name();
    long start = System.nanoTime();

    // measurement -> device -> value
    Map<String, Map<String, Double>> table = new LinkedHashMap<>();
    // --device cpu (a dry run without a GPU) measures the CPU once and fills both columns.
    List<ComputeDevice> both =
        accelerated.isGpu()
            ? List.of(ComputeDevice.cpu(), accelerated)
            : List.of(ComputeDevice.cpu());
    for (int side : sides) {
      for (ComputeDevice d : both) {
        BenchLog.log("gpu-check: throughput %dx%d on %s", side, side, d);
        Map<String, Object> b = throughput(side, d, cpuThreads);
        put(table, "Train step, " + side + "x" + side + " (img/s)", d, b, "trainStep");
        put(
            table,
            "DLFD perturbation step, " + side + "x" + side + " (img/s)",
            d,
            b,
            "dlfdPerturbationStep");
        put(table, "Eval forward, " + side + "x" + side + " (img/s)", d, b, "evalForward");
      }
    }
    if (!accelerated.isGpu()) {
      table.values().forEach(v -> v.put(gpu, v.get("cpu")));
    }
    String jobRow = unlearningJob(table, accelerated);

    StringBuilder md = new StringBuilder();
    md.append("| Measurement | CPU (")
        .append(cpuThreads)
        .append(" threads) | GPU (")
        .append(gpu)
        .append(") | GPU / CPU |\n|---|---|---|---|\n");
    for (Map.Entry<String, Map<String, Double>> row : table.entrySet()) {
      Double c = row.getValue().get("cpu");
      Double g = row.getValue().get(gpu);
      boolean seconds = row.getKey().equals(jobRow);
      String ratio =
          c == null || g == null || c == 0 || g == 0
              ? ""
              : String.format(Locale.ROOT, "%.1fx", seconds ? c / g : g / c);
      md.append("| ")
          .append(row.getKey())
          .append(" | ")
          .append(cell(c, seconds))
          .append(" | ")
          .append(cell(g, seconds))
          .append(" | ")
          .append(ratio)
          .append(" |\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nThroughput: ResNet-18, synthetic 3-channel input (tools/bench/README.md), warm-up + timed"
                + " iterations %d + %d on the CPU, %d + %d on %s. Job: %s. Whole check: %.0f s.%n",
            cpuWarmup,
            cpuIterations,
            warmup,
            iterations,
            gpu,
            jobRow,
            (System.nanoTime() - start) / 1e9));
    Files.writeString(outputDir.resolve("gpu-check.md"), md, StandardCharsets.UTF_8);
    System.out.println();
    System.out.print(md);
    return 0;
  }

  private Map<String, Object> throughput(int side, ComputeDevice device, int cpuThreads)
      throws Exception {
    EngineThroughputBenchmark bench = new EngineThroughputBenchmark();
    int w = device.isGpu() ? warmup : cpuWarmup;
    int n = device.isGpu() ? iterations : cpuIterations;
    new CommandLine(bench)
        .parseArgs(
            "--arch",
            "resnet18",
            "--synthetic",
            "--channels",
            "3",
            "--side",
            Integer.toString(side),
            "--skip-full-runs",
            // Enough for the batches (64 train, 128 eval, 32 + 32 DLFD); 600 synthetic images of
            // 3x224x224 are 90 MB of heap.
            "--train-limit",
            "600",
            "--forget-subjects",
            "5",
            "--warmup",
            Integer.toString(w),
            "--iterations",
            Integer.toString(n),
            "--perturb-iterations",
            Integer.toString(n),
            "--threads",
            Integer.toString(cpuThreads),
            "--device",
            device.name(),
            "--output-dir",
            outputDir.toString());
    bench.call();
    @SuppressWarnings("unchecked")
    Map<String, Object> benchmarks = (Map<String, Object>) bench.results().get("benchmarks");
    return benchmarks;
  }

  private static void put(
      Map<String, Map<String, Double>> table,
      String row,
      ComputeDevice device,
      Map<String, Object> benchmarks,
      String key) {
    @SuppressWarnings("unchecked")
    Map<String, Object> b = (Map<String, Object>) benchmarks.get(key);
    table
        .computeIfAbsent(row, k -> new LinkedHashMap<>())
        .put(device.name(), (Double) b.get("imagesPerSecond"));
  }

  /**
   * One DLFD job as the worker runs it: an original ResNet-18 (28x28, 1 epoch, trained on the
   * accelerated device: setup, not timed) is unlearned by {@link ModelLineage#unlearn} (load the
   * checkpoint, DLFD, save the new one) on each device. Dynamic forgetting is off, as in the
   * throughput benchmark: the barely trained original would otherwise never be perturbed.
   *
   * @return the row's name
   */
  private String unlearningJob(Map<String, Map<String, Double>> table, ComputeDevice accelerated)
      throws IOException {
    DatasetSource source =
        DatasetSource.idx("fashion-mnist", dataDir, jobTrainLimit, 100, 10, 0.2, 0.0, 0);
    ImageDataset dataset = source.load();
    ModelSpec spec =
        ModelSpec.of(
            Architecture.RESNET18,
            1,
            28,
            dataset.labelSchema().numOutputs(),
            Normalization.uniform(1, 0.2860f, 0.3530f));
    Path jobs = outputDir.resolve("job");
    ScratchDirs.deleteRecursively(jobs);
    Path original = jobs.resolve("original");
    BenchLog.log("gpu-check: training the job's original model on %s", accelerated);
    ModelLineage.train(
        source,
        dataset,
        spec,
        TrainingRecipe.builder().optEpochs(1).optBatchSize(64).optSeed(0).build(),
        original,
        ProgressListener.NONE,
        accelerated);
    Set<String> subjects = new TreeSet<>();
    for (Sample s : dataset.samples()) {
      if (s.split() == Split.TRAIN) {
        subjects.add(s.subjectId());
      }
    }
    Set<String> forget = new TreeSet<>(new ArrayList<>(subjects).subList(0, jobForgetSubjects));
    DlfdConfig config = DlfdConfig.builder().optDynamicForgetting(false).optSeed(0).build();
    String row =
        String.format(
            Locale.ROOT,
            "Unlearning job, DLFD, ResNet-18 28x28, %d train images, forget %d subjects (s)",
            jobTrainLimit,
            jobForgetSubjects);
    List<ComputeDevice> devices =
        skipCpuJob || !accelerated.isGpu()
            ? List.of(accelerated)
            : List.of(accelerated, ComputeDevice.cpu());
    for (ComputeDevice d : devices) {
      BenchLog.log("gpu-check: unlearning job on %s", d);
      long s = System.nanoTime();
      ModelLineage.unlearn(
          original,
          dataset,
          new Dlfd(config),
          forget,
          jobs.resolve("dlfd-" + d.name().replace(':', '-')),
          ProgressListener.NONE,
          d);
      double seconds = (System.nanoTime() - s) / 1e9;
      BenchLog.log("gpu-check: unlearning job on %s: %.1f s", d, seconds);
      table.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(d.name(), seconds);
    }
    if (!accelerated.isGpu()) {
      table.get(row).put("cpu", table.get(row).get(accelerated.name()));
    }
    return row;
  }

  private static String cell(Double v, boolean seconds) {
    if (v == null) {
      return "not run";
    }
    return String.format(Locale.ROOT, seconds ? "%.1f s" : "%.1f", v);
  }

  /** Deletes a previous run's job directory, so the checkpoints are this run's. */
  private static final class ScratchDirs {
    static void deleteRecursively(Path dir) throws IOException {
      if (!Files.exists(dir)) {
        return;
      }
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
