package io.lethe.bench.throughput;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of {@code lethe-bench throughput}: model, data, batch sizes, iteration counts, device
 * and output directory.
 */
public final class ThroughputOptions {
  @Option(
      names = "--arch",
      defaultValue = "resnet18",
      description =
          "Architecture: small-cnn, resnet18, densenet121, efficientnet-b0 (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(
      names = "--data-dir",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Fashion-MNIST IDX directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--side",
      defaultValue = "28",
      description =
          "Input side in px (default: ${DEFAULT-VALUE}, Fashion-MNIST's own). Other sides resize"
              + " Fashion-MNIST, or use --synthetic. The ResNet small stem (3x3 stride 1, no"
              + " max-pool) is used below 96 px.")
  int side;

  @Option(
      names = "--channels",
      defaultValue = "1",
      description = "Input channels, 1 (grey) or 3 (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--synthetic",
      description =
          "Use random pixels (same sample/subject layout) instead of Fashion-MNIST, e.g. with"
              + " --side 64 --channels 3.")
  boolean synthetic;

  @Option(
      names = "--train-limit",
      defaultValue = "2000",
      description =
          "Train-pool images read (class-stratified); 20%% of subjects become UNSEEN, the rest"
              + " TRAIN (default: ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(
      names = "--samples-per-subject",
      defaultValue = "10",
      description = "Images per pseudo-subject (default: ${DEFAULT-VALUE}).")
  int samplesPerSubject;

  @Option(
      names = "--forget-subjects",
      defaultValue = "20",
      description = "TRAIN subjects forgotten by the DLFD run (default: ${DEFAULT-VALUE}).")
  int forgetSubjects;

  @Option(
      names = "--retain-limit",
      defaultValue = "192",
      description =
          "Retain images R used (seeded subset of the retain pool; 0 = all). DLFD costs ~50 s per"
              + " 32-image batch for ResNet-18 28x28 on 2 busy cores, so the default keeps the run"
              + " under 10 minutes; times for the whole pool are projected linearly (default:"
              + " ${DEFAULT-VALUE}).")
  int retainLimit;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Batch size of the training step and of Retrain (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--eval-batch",
      defaultValue = "128",
      description = "Batch size of the eval forward (default: ${DEFAULT-VALUE}).")
  int evalBatch;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed warm-up iterations per micro-benchmark (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--iterations",
      defaultValue = "5",
      description =
          "Timed iterations of the training step and the eval forward (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--perturb-iterations",
      defaultValue = "5",
      description = "Timed DLFD perturbation steps (default: ${DEFAULT-VALUE}).")
  int perturbIterations;

  @Option(
      names = "--dlfd-dynamic",
      description =
          "Keep DLFD's dynamic forgetting on in the full run. Off by default: the benchmark model"
              + " is untrained, its forgetting score is ~0, so dynamic forgetting would skip every"
              + " perturbation; with it off every batch is perturbed (the worst case).")
  boolean dlfdDynamic;

  @Option(
      names = "--retrain-epochs",
      defaultValue = "30",
      description =
          "Epochs of Retrain reported (the original model's recipe; default: ${DEFAULT-VALUE}).")
  int retrainEpochs;

  @Option(
      names = "--retrain-measured-epochs",
      defaultValue = "1",
      description =
          "Retrain epochs actually run; the time is extrapolated to --retrain-epochs (default:"
              + " ${DEFAULT-VALUE}).")
  int retrainMeasuredEpochs;

  @Option(
      names = "--skip-full-runs",
      description = "Only the micro-benchmarks: no full DLFD run, no Retrain.")
  boolean skipFullRuns;

  @Option(
      names = "--threads",
      description =
          "libtorch intra-op threads (ai.djl.pytorch.num_threads). Default: the system property"
              + " if set, else 2.")
  Integer threads;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description =
          "Where the models run: cpu, gpu (the first GPU) or gpu:N (default: ${DEFAULT-VALUE}). A"
              + " GPU the engine does not see is an error, never a silent CPU run.")
  String deviceName;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of data split, model init and ordering (default: ${DEFAULT-VALUE}).")
  int seed;

  @Option(
      names = "--output-dir",
      defaultValue = "tools/bench/results",
      description = "Where the .md and .json results go (default: ${DEFAULT-VALUE}).")
  Path outputDir;
}
