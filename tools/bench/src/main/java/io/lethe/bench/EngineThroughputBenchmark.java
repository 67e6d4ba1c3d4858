package io.lethe.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.engine.EngineRuntime;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.Indices;
import io.lethe.engine.data.PseudoSubjects;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.Optimizers;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.training.TrainingSteps;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureDistancingPerturbation;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Engine throughput and wall-time benchmark: SGD training step, DLFD perturbation step and eval
 * forward (images/s), then a full DLFD run against Retrain (wall time). Prints a markdown table and
 * writes it, with JSON and machine facts, to {@code --output-dir}.
 *
 * <p>DJL system properties (offline, cache dir, thread count) are set in {@link #call()} before the
 * engine is first touched, unless given on the command line.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures engine throughput (images/s) of a training step, a DLFD perturbation step and an"
          + " eval forward, and the wall time of a full DLFD run vs Retrain.",
      "Writes <output-dir>/throughput-<arch>-<side>.md and .json."
    })
public final class EngineThroughputBenchmark implements Callable<Integer> {
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

  private final Map<String, Object> results = new LinkedHashMap<>();
  private int retainPoolSize;
  private final List<String[]> rows = new ArrayList<>();
  private Device device;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EngineThroughputBenchmark()).execute(args));
  }

  /** Every number of the last {@link #call()} (setup, machine, benchmarks), as in the JSON file. */
  Map<String, Object> results() {
    return results;
  }

  @Override
  public Integer call() throws Exception {
    if (channels != 1 && channels != 3) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--channels must be 1 or 3, got " + channels);
    }
    ComputeDevice chosen = ComputeDevice.parse(deviceName);
    configureDjl();
    device = chosen.requireAvailable().toDjl();
    Architecture architecture = Architecture.parse(arch);
    long t0 = System.nanoTime();
    ImageDataset dataset = synthetic ? syntheticDataset() : readFashionMnist();
    Normalization norm =
        channels == 3 ? Normalization.imagenet() : Normalization.uniform(1, 0.5f, 0.5f);
    ModelSpec spec =
        ModelSpec.of(architecture, channels, side, dataset.labelSchema().numOutputs(), norm);
    UnlearningData data = split(dataset);
    log(
        "dataset %s %dx%dx%d: forget %d, retain %d used of %d, unseen %d; read in %.1fs",
        dataset.name(),
        channels,
        side,
        side,
        data.forget().length,
        data.retain().length,
        retainPoolSize,
        data.unseen().length,
        (System.nanoTime() - t0) / 1e9);

    Map<String, Object> machine = machineFacts();
    log("machine: %s", machine);
    String stem =
        architecture == Architecture.SMALL_CNN
            ? "n/a (small-cnn)"
            : spec.smallInputStem()
                ? "small: 3x3 conv stride 1, no max-pool"
                : "ImageNet: 7x7 conv stride 2 + 3x3 max-pool";
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("architecture", architecture.cliName());
    setup.put("input", channels + "x" + side + "x" + side);
    setup.put("data", synthetic ? "synthetic (random pixels)" : "fashion-mnist (" + dataDir + ")");
    setup.put("smallInputStem", spec.smallInputStem());
    setup.put("stem", stem);
    setup.put("trainLimit", trainLimit);
    setup.put("forgetSubjects", forgetSubjects);
    setup.put("forgetImages", data.forget().length);
    setup.put("retainImages", data.retain().length);
    setup.put("retainPoolImages", retainPoolSize);
    setup.put("unseenImages", data.unseen().length);
    setup.put("seed", seed);
    setup.put("device", ComputeDevice.of(device).name());
    results.put("setup", setup);
    results.put("machine", machine);
    Map<String, Object> bench = new LinkedHashMap<>();
    results.put("benchmarks", bench);

    bench.put("trainStep", trainStep(spec, data));
    bench.put("dlfdPerturbationStep", perturbationStep(spec, data));
    bench.put("evalForward", evalForward(spec, data));
    if (!skipFullRuns) {
      Map<String, Object> dlfd = dlfdRun(spec, data);
      bench.put("dlfdFullRun", dlfd);
      Map<String, Object> retrain = retrainRun(spec, data);
      bench.put("retrain", retrain);
      double ratio = (double) retrain.get("extrapolatedSeconds") / (double) dlfd.get("wallSeconds");
      bench.put("retrainOverDlfd", ratio);
      if (retainPoolSize > data.retain().length) {
        double scale = (double) retainPoolSize / data.retain().length;
        double dlfdFull = (double) dlfd.get("wallSeconds") * scale;
        double retrainFull = (double) retrain.get("extrapolatedSeconds") * scale;
        Map<String, Object> projected = new LinkedHashMap<>();
        projected.put("retainImages", retainPoolSize);
        projected.put("dlfdSeconds", dlfdFull);
        projected.put("retrainSeconds", retrainFull);
        projected.put(
            "note", "linear in R from the measured runs; not run (score estimates scale less)");
        bench.put("projectedFullRetainPool", projected);
        rows.add(
            new String[] {
              "DLFD, R=" + retainPoolSize + " (PROJECTED)",
              "",
              "",
              String.format(Locale.ROOT, "%.0f s", dlfdFull),
              "",
              "projected: measured DLFD x "
                  + retainPoolSize
                  + "/"
                  + data.retain().length
                  + ", not run",
              load()
            });
        rows.add(
            new String[] {
              "Retrain " + retrainEpochs + " epochs, R=" + retainPoolSize + " (PROJECTED)",
              "",
              "",
              String.format(Locale.ROOT, "%.0f s", retrainFull),
              "",
              "projected: extrapolated Retrain x "
                  + retainPoolSize
                  + "/"
                  + data.retain().length
                  + ", not run",
              load()
            });
      }
      rows.add(
          new String[] {
            "Retrain / DLFD wall-time ratio",
            "",
            "",
            "",
            String.format(Locale.ROOT, "%.1fx", ratio),
            "extrapolated Retrain over measured DLFD",
            load()
          });
    }
    machine.put("loadAverageEnd", loadAverage());
    write(architecture, stem);
    return 0;
  }

  // ---------------------------------------------------------------- environment

  private void configureDjl() {
    // DJL reads these when the engine loads; they must be in place before the first Engine call.
    EngineRuntime.configure(threads, 2);
  }

  private Map<String, Object> machineFacts() {
    Engine engine = Engine.getInstance(); // loads libtorch with the properties above
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

  private static String load() {
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

  // ---------------------------------------------------------------- data

  private ImageDataset readFashionMnist() throws IOException {
    IdxDatasetReader.Builder b =
        IdxDatasetReader.fashionMnist(dataDir)
            .optTrainLimit(trainLimit)
            .optTestLimit(100)
            .optSamplesPerSubject(samplesPerSubject)
            .optSeed(seed)
            .optChannels(channels);
    if (side != 28) {
      b.optSide(side);
    }
    return b.build().read();
  }

  /** Random pixels with the Fashion-MNIST sample layout (pseudo-subjects, TRAIN / UNSEEN). */
  private ImageDataset syntheticDataset() {
    PseudoSubjects subjects = new PseudoSubjects(samplesPerSubject, 0.2, 0, seed);
    PseudoSubjects.Assignment a = subjects.assignTrainPool(trainLimit);
    Random random = new Random(seed);
    int classes = IdxDatasetReader.FASHION_MNIST_CLASSES.size();
    List<Sample> samples = new ArrayList<>(trainLimit);
    List<byte[]> pixels = new ArrayList<>(trainLimit);
    for (int i = 0; i < trainLimit; i++) {
      samples.add(
          new Sample(
              i,
              String.format(Locale.ROOT, "synthetic-%05d", i),
              a.subjectOf()[i],
              new int[] {random.nextInt(classes)},
              a.splitOf()[i]));
      byte[] p = new byte[channels * side * side];
      random.nextBytes(p);
      pixels.add(p);
    }
    return new ImageDataset(
        "synthetic",
        LabelSchema.singleLabel(IdxDatasetReader.FASHION_MNIST_CLASSES),
        channels,
        side,
        samples,
        pixels);
  }

  /** Forget = all TRAIN images of {@code forgetSubjects} seeded subjects; retain = other TRAIN. */
  private UnlearningData split(ImageDataset ds) {
    Map<String, List<Integer>> bySubject = new TreeMap<>();
    for (Sample s : ds.samples()) {
      if (s.split() == Split.TRAIN) {
        bySubject.computeIfAbsent(s.subjectId(), k -> new ArrayList<>()).add(s.index());
      }
    }
    List<String> ids = Indices.shuffled(new ArrayList<>(bySubject.keySet()), seed + 17L);
    if (forgetSubjects < 1 || forgetSubjects >= ids.size()) {
      throw new IllegalArgumentException(
          "--forget-subjects must be in [1, " + (ids.size() - 1) + "], got " + forgetSubjects);
    }
    List<Integer> forget = new ArrayList<>();
    List<Integer> retain = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      (i < forgetSubjects ? forget : retain).addAll(bySubject.get(ids.get(i)));
    }
    int[] retainPool = sorted(retain);
    retainPoolSize = retainPool.length;
    int[] retainUsed = retainPool;
    if (retainLimit > 0 && retainLimit < retainPool.length) {
      retainUsed = Arrays.copyOf(Indices.shuffled(retainPool, seed + 29L), retainLimit);
      Arrays.sort(retainUsed);
    }
    return new UnlearningData(
        ds,
        sorted(forget),
        retainUsed,
        Indices.ofSplit(ds, Split.UNSEEN),
        Indices.ofSplit(ds, Split.VALIDATION));
  }

  private static int[] sorted(List<Integer> list) {
    int[] a = list.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(a);
    return a;
  }

  // ---------------------------------------------------------------- micro-benchmarks

  /** TrainingSteps.sgdStep on {@code batch} retain images (train mode, backward, SGD update). */
  private Map<String, Object> trainStep(ModelSpec spec, UnlearningData data) {
    log("train step: batch %d, %d warm-up + %d timed", batch, warmup, iterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] order = Indices.shuffled(data.retain(), seed);
    long[] nanos = new long[iterations];
    long rssAfterWarmup;
    long rssEnd;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), seed, device)) {
      TaskLoss loss = TaskLoss.of(model.labels());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss)
              .optDevices(new Device[] {device})
              .optOptimizer(Optimizers.sgd(0.05f, 0.9f, 5e-4f, false, 1));
      try (Trainer trainer = model.model().newTrainer(config)) {
        rssAfterWarmup = -1;
        for (int i = 0; i < warmup + iterations; i++) {
          int from = (i * batch) % (order.length - batch + 1);
          try (NDManager step = model.manager().newSubManager()) {
            NDArray x = batches.images(step, order, from, from + batch);
            NDArray y = batches.labels(step, order, from, from + batch);
            long s = System.nanoTime();
            TrainingSteps.sgdStep(trainer, loss, x, y);
            long e = System.nanoTime();
            if (i >= warmup) {
              nanos[i - warmup] = e - s;
            }
          }
          if (i == warmup - 1 || (warmup == 0 && i == 0)) {
            rssAfterWarmup = rssMiB();
          }
        }
        rssEnd = rssMiB();
      }
    }
    return timing(
        "Training step (TrainingSteps.sgdStep)",
        batch,
        nanos,
        "train-mode forward + backward + SGD step; batch assembly excluded",
        rssAfterWarmup,
        rssEnd);
  }

  /**
   * One DLFD perturbation step: FeatureDistancingPerturbation.objectiveGradient on the retain batch
   * (forward, Sinkhorn OT to the forget features, CE, backward to the input) plus the sign step and
   * clip, with the model's parameters frozen as in {@code perturb}.
   */
  private Map<String, Object> perturbationStep(ModelSpec spec, UnlearningData data) {
    DlfdConfig config = DlfdConfig.builder().optSeed(seed).build();
    int retainBatch = Math.min(config.batchSize(), data.retain().length);
    int forgetBatch = Math.min(retainBatch, data.forget().length);
    log(
        "DLFD perturbation step: %d retain + %d forget, %d warm-up + %d timed",
        retainBatch, forgetBatch, warmup, perturbIterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] retain = Indices.shuffled(data.retain(), seed + 1L);
    int[] forget = Indices.shuffled(data.forget(), seed + 2L);
    long[] nanos = new long[perturbIterations];
    long rssAfterWarmup = -1;
    long rssEnd;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), seed, device)) {
      FeatureDistancingPerturbation perturbation = new FeatureDistancingPerturbation(model, config);
      double lambda = config.lambdaAt(1, 3); // mid-run weight; any value costs the same
      for (int i = 0; i < warmup + perturbIterations; i++) {
        int rFrom = (i * retainBatch) % (retain.length - retainBatch + 1);
        int fFrom = (i * forgetBatch) % (forget.length - forgetBatch + 1);
        try (NDManager batchManager = model.manager().newSubManager()) {
          NDArray x = batches.images(batchManager, retain, rFrom, rFrom + retainBatch);
          NDArray y = batches.labels(batchManager, retain, rFrom, rFrom + retainBatch);
          NDArray f = batches.images(batchManager, forget, fFrom, fFrom + forgetBatch);
          // Once per DLFD batch, not per step: excluded from the step time.
          NDArray forgetFeatures = perturbation.features(f);
          NDArray cleanFeatures = config.otOnClean() ? perturbation.features(x) : null;
          model.freezeTrainableParameters(true);
          try (NDManager step = batchManager.newSubManager()) {
            long s = System.nanoTime();
            NDArray gradient =
                perturbation.objectiveGradient(step, x, y, forgetFeatures, cleanFeatures, lambda);
            NDArray next = x.add(gradient.sign().mul(config.stepSize())).clip(0, 1);
            next.getFloat(0, 0, 0, 0); // force completion
            long e = System.nanoTime();
            if (i >= warmup) {
              nanos[i - warmup] = e - s;
            }
          } finally {
            model.freezeTrainableParameters(false);
          }
        }
        if (i == warmup - 1 || (warmup == 0 && i == 0)) {
          rssAfterWarmup = rssMiB();
        }
      }
      rssEnd = rssMiB();
    }
    Map<String, Object> r =
        timing(
            "DLFD perturbation step (objectiveGradient + sign step)",
            retainBatch,
            nanos,
            "retain images perturbed/s; "
                + forgetBatch
                + " forget images as OT target (features once per batch, excluded); a DLFD batch"
                + " takes "
                + config.perturbationSteps()
                + " such steps",
            rssAfterWarmup,
            rssEnd);
    r.put("forgetBatch", forgetBatch);
    r.put("perturbationStepsPerBatch", config.perturbationSteps());
    r.put("sinkhornIterations", config.sinkhornIterations());
    return r;
  }

  /** Eval-mode forward ({@link Classifier#predict}). */
  private Map<String, Object> evalForward(ModelSpec spec, UnlearningData data) {
    int n = Math.min(evalBatch, data.retain().length);
    log("eval forward: batch %d, %d warm-up + %d timed", n, warmup, iterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] order = Indices.shuffled(data.retain(), seed + 3L);
    long[] nanos = new long[iterations];
    long rssAfterWarmup = -1;
    long rssEnd;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), seed, device)) {
      for (int i = 0; i < warmup + iterations; i++) {
        int from = (i * n) % (order.length - n + 1);
        try (NDManager step = model.manager().newSubManager()) {
          NDArray x = batches.images(step, order, from, from + n);
          long s = System.nanoTime();
          NDArray logits = model.predict(x).get(0);
          logits.getFloat(0, 0); // force completion
          long e = System.nanoTime();
          if (i >= warmup) {
            nanos[i - warmup] = e - s;
          }
        }
        if (i == warmup - 1 || (warmup == 0 && i == 0)) {
          rssAfterWarmup = rssMiB();
        }
      }
      rssEnd = rssMiB();
    }
    return timing(
        "Eval forward (Classifier.predict)",
        n,
        nanos,
        "eval mode, no gradient; batch assembly excluded",
        rssAfterWarmup,
        rssEnd);
  }

  private Map<String, Object> timing(
      String name, int images, long[] nanos, String note, long rssAfterWarmup, long rssEnd) {
    double[] ms = Arrays.stream(nanos).mapToDouble(v -> v / 1e6).sorted().toArray();
    double total = Arrays.stream(ms).sum();
    double mean = total / ms.length;
    double median =
        ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    double imagesPerSecond = images * ms.length / (total / 1000);
    String ld = load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("batch", images);
    r.put("warmupIterations", warmup);
    r.put("timedIterations", ms.length);
    r.put("meanMs", mean);
    r.put("medianMs", median);
    r.put("minMs", ms[0]);
    r.put("maxMs", ms[ms.length - 1]);
    r.put("imagesPerSecond", imagesPerSecond);
    r.put("rssMiBAfterWarmup", rssAfterWarmup);
    r.put("rssMiBEnd", rssEnd);
    r.put("loadAverage", loadAverage());
    r.put("note", note);
    log(
        "%s: %.1f images/s (mean %.1f ms, median %.1f ms per batch of %d), RSS %d -> %d MiB, load %s",
        name, imagesPerSecond, mean, median, images, rssAfterWarmup, rssEnd, ld);
    rows.add(
        new String[] {
          name,
          Integer.toString(images),
          warmup + " + " + ms.length,
          String.format(Locale.ROOT, "%.1f (median %.1f)", mean, median),
          String.format(Locale.ROOT, "%.1f img/s", imagesPerSecond),
          note + "; RSS " + rssAfterWarmup + " -> " + rssEnd + " MiB",
          ld
        });
    return r;
  }

  // ---------------------------------------------------------------- full runs

  private Map<String, Object> dlfdRun(ModelSpec spec, UnlearningData data) {
    DlfdConfig config =
        DlfdConfig.builder().optDynamicForgetting(dlfdDynamic).optSeed(seed).build();
    log(
        "DLFD full run: %d retain, %d forget, %d epoch(s), dynamic forgetting %s",
        data.retain().length, data.forget().length, config.epochs(), dlfdDynamic);
    UnlearningOutcome outcome;
    long rssStart;
    long rssEnd;
    long s;
    long e;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), seed, device)) {
      rssStart = rssMiB();
      s = System.nanoTime();
      outcome = new Dlfd(config).unlearn(model, data, new LogProgress("dlfd"));
      e = System.nanoTime();
      rssEnd = rssMiB();
    }
    double wall = (e - s) / 1e9;
    String ld = load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "DLFD full run (Dlfd.unlearn)");
    r.put("retainImages", data.retain().length);
    r.put("forgetImages", data.forget().length);
    r.put("wallSeconds", wall);
    r.put("steps", outcome.steps());
    r.put("perturbedSteps", outcome.perturbedSteps());
    r.put("retainPasses", outcome.retainPasses());
    r.put("forgetPasses", outcome.forgetPasses());
    r.put("dynamicForgetting", dlfdDynamic);
    r.put("rssMiBStart", rssStart);
    r.put("rssMiBEnd", rssEnd);
    r.put("loadAverage", loadAverage());
    r.put("config", config.describe());
    log(
        "DLFD: %.1f s wall, %d steps (%d perturbed), RSS %d -> %d MiB, load %s",
        wall, outcome.steps(), outcome.perturbedSteps(), rssStart, rssEnd, ld);
    rows.add(
        new String[] {
          "DLFD full run (Dlfd.unlearn), measured",
          config.batchSize() + " + " + config.batchSize(),
          outcome.steps() + " steps",
          String.format(Locale.ROOT, "%.1f s", wall),
          String.format(
              Locale.ROOT, "%.1f retain img/s", data.retain().length * config.epochs() / wall),
          String.format(
              Locale.ROOT,
              "R=%d retain, %d forget, %d epoch, %d/%d batches perturbed (dynamic forgetting %s),"
                  + " incl. forgetting-score estimates every %d batches",
              data.retain().length,
              data.forget().length,
              config.epochs(),
              outcome.perturbedSteps(),
              outcome.steps(),
              dlfdDynamic ? "on" : "off",
              config.scoreEvery()),
          ld
        });
    return r;
  }

  private Map<String, Object> retrainRun(ModelSpec spec, UnlearningData data) {
    TrainingRecipe recipe =
        TrainingRecipe.builder()
            .optEpochs(retrainMeasuredEpochs)
            .optBatchSize(batch)
            .optSeed(seed)
            .build();
    log(
        "Retrain: %d epoch(s) measured on %d retain images, extrapolated to %d",
        retrainMeasuredEpochs, data.retain().length, retrainEpochs);
    SupervisedTrainer.TrainingSummary summary;
    long s;
    long e;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), seed, device)) {
      s = System.nanoTime();
      summary =
          new SupervisedTrainer(recipe)
              .train(model, data.dataset(), data.retain(), new LogProgress("retrain"));
      e = System.nanoTime();
    }
    double measured = (e - s) / 1e9;
    double extrapolated = measured / retrainMeasuredEpochs * retrainEpochs;
    String ld = load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "Retrain (SupervisedTrainer on the retain set)");
    r.put("retainImages", data.retain().length);
    r.put("measuredEpochs", retrainMeasuredEpochs);
    r.put("measuredSeconds", measured);
    r.put("measuredSteps", summary.steps());
    r.put("epochs", retrainEpochs);
    r.put("extrapolatedSeconds", extrapolated);
    r.put("extrapolated", retrainMeasuredEpochs != retrainEpochs);
    r.put("loadAverage", loadAverage());
    r.put("recipe", recipe.describe());
    log(
        "Retrain: %.1f s for %d epoch(s) -> %.1f s for %d epochs (extrapolated), load %s",
        measured, retrainMeasuredEpochs, extrapolated, retrainEpochs, ld);
    rows.add(
        new String[] {
          "Retrain, measured",
          Integer.toString(recipe.batchSize()),
          retrainMeasuredEpochs + " epoch (" + summary.steps() + " steps)",
          String.format(Locale.ROOT, "%.1f s", measured),
          String.format(
              Locale.ROOT, "%.1f img/s", data.retain().length * retrainMeasuredEpochs / measured),
          "SupervisedTrainer on R=" + data.retain().length + " retain images",
          ld
        });
    rows.add(
        new String[] {
          "Retrain, " + retrainEpochs + " epochs (EXTRAPOLATED)",
          Integer.toString(recipe.batchSize()),
          retrainEpochs + " epochs",
          String.format(Locale.ROOT, "%.1f s", extrapolated),
          "",
          String.format(
              Locale.ROOT,
              "extrapolated: measured %d epoch x %d / %d, not run",
              retrainMeasuredEpochs,
              retrainEpochs,
              retrainMeasuredEpochs),
          ld
        });
    return r;
  }

  /** Logs every 10th step of a long stage to stderr, so the run visibly progresses. */
  private static final class LogProgress implements ProgressListener {
    private final String label;
    private final long start = System.nanoTime();

    LogProgress(String label) {
      this.label = label;
    }

    @Override
    public void stepCompleted(ProgressEvent event) {
      if (event.step() % 10 == 0 || event.step() == event.totalSteps()) {
        log(
            "  %s step %d/%d, %.1f s",
            label, event.step(), event.totalSteps(), (System.nanoTime() - start) / 1e9);
      }
    }
  }

  // ---------------------------------------------------------------- output

  private void write(Architecture architecture, String stem) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> machine = (Map<String, Object>) results.get("machine");
    StringBuilder md = new StringBuilder();
    md.append("# Engine throughput: ")
        .append(architecture.cliName())
        .append(", ")
        .append(channels)
        .append("x")
        .append(side)
        .append("x")
        .append(side)
        .append(synthetic ? " (synthetic)" : " (Fashion-MNIST)")
        .append("\n\n");
    md.append("Stem measured: ")
        .append(stem)
        .append(". Device: ")
        .append(ComputeDevice.of(device).name());
    md.append(".\n\n");
    md.append(
        "| Benchmark | Batch | Iterations (warm-up + timed) | Time per batch, ms / wall |"
            + " Throughput | Notes | Load (1 min) |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (String[] row : rows) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    md.append("\nMachine: ");
    List<String> facts = new ArrayList<>();
    machine.forEach((k, v) -> facts.add(k + " = " + v));
    md.append(String.join("; ", facts)).append(".\n");
    String table = md.toString();
    System.out.println();
    System.out.println(table);

    Files.createDirectories(outputDir);
    // CPU results keep their historical names; GPU ones say which GPU.
    String base =
        "throughput-"
            + architecture.cliName()
            + "-"
            + side
            + (device.isGpu() ? "-gpu" + device.getDeviceId() : "");
    Path mdPath = outputDir.resolve(base + ".md");
    Path jsonPath = outputDir.resolve(base + ".json");
    Files.writeString(mdPath, table, StandardCharsets.UTF_8);
    results.put("markdown", table);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(jsonPath.toFile(), results);
    log("wrote %s and %s", mdPath, jsonPath);
  }

  static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    System.err.flush();
  }
}
