package io.lethe.bench.throughput;

import static io.lethe.bench.BenchLog.log;

import ai.djl.Device;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.Indices;
import io.lethe.engine.data.PseudoSubjects;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * What a throughput run measures: the model, the device, and the forget / retain / unseen images
 * (Fashion-MNIST or synthetic pixels) read and split from the options.
 *
 * @param retainPoolSize retain images before {@code --retain-limit}
 */
record ThroughputPlan(
    ThroughputOptions options,
    Device device,
    Architecture architecture,
    ModelSpec spec,
    UnlearningData data,
    int retainPoolSize) {
  /** Reads the dataset and splits it; logs the sizes. */
  static ThroughputPlan of(ThroughputOptions o, Device device) throws IOException {
    Architecture architecture = Architecture.parse(o.arch);
    long t0 = System.nanoTime();
    ImageDataset dataset = o.synthetic ? syntheticDataset(o) : readFashionMnist(o);
    Normalization norm =
        o.channels == 3 ? Normalization.imagenet() : Normalization.uniform(1, 0.5f, 0.5f);
    ModelSpec spec =
        ModelSpec.of(architecture, o.channels, o.side, dataset.labelSchema().numOutputs(), norm);
    SplitImages split = split(o, dataset);
    UnlearningData data = split.data();
    ThroughputPlan plan =
        new ThroughputPlan(o, device, architecture, spec, data, split.retainPoolSize());
    log(
        "dataset %s %dx%dx%d: forget %d, retain %d used of %d, unseen %d; read in %.1fs",
        dataset.name(),
        o.channels,
        o.side,
        o.side,
        data.forget().length,
        data.retain().length,
        plan.retainPoolSize(),
        data.unseen().length,
        (System.nanoTime() - t0) / 1e9);
    return plan;
  }

  /** The stem the model's architecture uses at this input side, in words. */
  String stem() {
    return architecture == Architecture.SMALL_CNN
        ? "n/a (small-cnn)"
        : spec.smallInputStem()
            ? "small: 3x3 conv stride 1, no max-pool"
            : "ImageNet: 7x7 conv stride 2 + 3x3 max-pool";
  }

  /** The {@code setup} section of the JSON results. */
  Map<String, Object> setup() {
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("architecture", architecture.cliName());
    setup.put("input", options.channels + "x" + options.side + "x" + options.side);
    setup.put(
        "data",
        options.synthetic
            ? "synthetic (random pixels)"
            : "fashion-mnist (" + options.dataDir + ")");
    setup.put("smallInputStem", spec.smallInputStem());
    setup.put("stem", stem());
    setup.put("trainLimit", options.trainLimit);
    setup.put("forgetSubjects", options.forgetSubjects);
    setup.put("forgetImages", data.forget().length);
    setup.put("retainImages", data.retain().length);
    setup.put("retainPoolImages", retainPoolSize);
    setup.put("unseenImages", data.unseen().length);
    setup.put("seed", options.seed);
    setup.put("device", ComputeDevice.of(device).name());
    return setup;
  }

  private static ImageDataset readFashionMnist(ThroughputOptions o) throws IOException {
    IdxDatasetReader.Builder b =
        IdxDatasetReader.fashionMnist(o.dataDir)
            .optTrainLimit(o.trainLimit)
            .optTestLimit(100)
            .optSamplesPerSubject(o.samplesPerSubject)
            .optSeed(o.seed)
            .optChannels(o.channels);
    if (o.side != 28) {
      b.optSide(o.side);
    }
    return b.build().read();
  }

  /** Random pixels with the Fashion-MNIST sample layout (pseudo-subjects, TRAIN / UNSEEN). */
  private static ImageDataset syntheticDataset(ThroughputOptions o) {
    PseudoSubjects subjects = new PseudoSubjects(o.samplesPerSubject, 0.2, 0, o.seed);
    PseudoSubjects.Assignment a = subjects.assignTrainPool(o.trainLimit);
    Random random = new Random(o.seed);
    int classes = IdxDatasetReader.FASHION_MNIST_CLASSES.size();
    List<Sample> samples = new ArrayList<>(o.trainLimit);
    List<byte[]> pixels = new ArrayList<>(o.trainLimit);
    for (int i = 0; i < o.trainLimit; i++) {
      samples.add(
          new Sample(
              i,
              String.format(Locale.ROOT, "synthetic-%05d", i),
              a.subjectOf()[i],
              new int[] {random.nextInt(classes)},
              a.splitOf()[i]));
      byte[] p = new byte[o.channels * o.side * o.side];
      random.nextBytes(p);
      pixels.add(p);
    }
    return new ImageDataset(
        "synthetic",
        LabelSchema.singleLabel(IdxDatasetReader.FASHION_MNIST_CLASSES),
        o.channels,
        o.side,
        samples,
        pixels);
  }

  /**
   * Forget = all TRAIN images of {@code --forget-subjects} seeded subjects; retain = other TRAIN,
   * at most {@code --retain-limit} of them.
   */
  private static SplitImages split(ThroughputOptions o, ImageDataset ds) {
    Map<String, List<Integer>> bySubject = new TreeMap<>();
    for (Sample s : ds.samples()) {
      if (s.split() == Split.TRAIN) {
        bySubject.computeIfAbsent(s.subjectId(), k -> new ArrayList<>()).add(s.index());
      }
    }
    List<String> ids = Indices.shuffled(new ArrayList<>(bySubject.keySet()), o.seed + 17L);
    if (o.forgetSubjects < 1 || o.forgetSubjects >= ids.size()) {
      throw new IllegalArgumentException(
          "--forget-subjects must be in [1, " + (ids.size() - 1) + "], got " + o.forgetSubjects);
    }
    List<Integer> forget = new ArrayList<>();
    List<Integer> retain = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      (i < o.forgetSubjects ? forget : retain).addAll(bySubject.get(ids.get(i)));
    }
    int[] retainPool = sorted(retain);
    int[] retainUsed = retainPool;
    if (o.retainLimit > 0 && o.retainLimit < retainPool.length) {
      retainUsed = Arrays.copyOf(Indices.shuffled(retainPool, o.seed + 29L), o.retainLimit);
      Arrays.sort(retainUsed);
    }
    return new SplitImages(
        new UnlearningData(
            ds,
            sorted(forget),
            retainUsed,
            Indices.ofSplit(ds, Split.UNSEEN),
            Indices.ofSplit(ds, Split.VALIDATION)),
        retainPool.length);
  }

  /** The split and the size of the retain pool it took its retain images from. */
  private record SplitImages(UnlearningData data, int retainPoolSize) {}

  private static int[] sorted(List<Integer> list) {
    int[] a = list.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
