package io.lethe.bench.throughput;

import static io.lethe.bench.BenchLog.log;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.Optimizers;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.training.TrainingSteps;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureDistancingPerturbation;
import io.lethe.format.model.ModelSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The per-batch micro-benchmarks: a training step, a DLFD perturbation step and an eval forward,
 * each timed over warm-up + timed iterations on a fresh model. Each adds its row to the report.
 */
final class MicroBenchmarks {
  private final ThroughputOptions o;
  private final ModelSpec spec;
  private final UnlearningData data;
  private final Device device;
  private final ThroughputReport report;

  MicroBenchmarks(ThroughputPlan plan, ThroughputReport report) {
    this.o = plan.options();
    this.spec = plan.spec();
    this.data = plan.data();
    this.device = plan.device();
    this.report = report;
  }

  /** TrainingSteps.sgdStep on {@code batch} retain images (train mode, backward, SGD update). */
  Map<String, Object> trainStep() {
    log("train step: batch %d, %d warm-up + %d timed", o.batch, o.warmup, o.iterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] order = Indices.shuffled(data.retain(), o.seed);
    Timed timed;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), o.seed, device)) {
      TaskLoss loss = TaskLoss.of(model.labels());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss)
              .optDevices(new Device[] {device})
              .optOptimizer(Optimizers.sgd(0.05f, 0.9f, 5e-4f, false, 1));
      try (Trainer trainer = model.model().newTrainer(config)) {
        timed =
            repeat(
                o.iterations,
                i -> {
                  int from = (i * o.batch) % (order.length - o.batch + 1);
                  try (NDManager step = model.manager().newSubManager()) {
                    NDArray x = batches.images(step, order, from, from + o.batch);
                    NDArray y = batches.labels(step, order, from, from + o.batch);
                    long s = System.nanoTime();
                    TrainingSteps.sgdStep(trainer, loss, x, y);
                    return System.nanoTime() - s;
                  }
                });
      }
    }
    return timing(
        "Training step (TrainingSteps.sgdStep)",
        o.batch,
        timed,
        "train-mode forward + backward + SGD step; batch assembly excluded");
  }

  /**
   * One DLFD perturbation step: FeatureDistancingPerturbation.objectiveGradient on the retain batch
   * (forward, Sinkhorn OT to the forget features, CE, backward to the input) plus the sign step and
   * clip, with the model's parameters frozen as in {@code perturb}.
   */
  Map<String, Object> perturbationStep() {
    DlfdConfig config = DlfdConfig.builder().optSeed(o.seed).build();
    int retainBatch = Math.min(config.batchSize(), data.retain().length);
    int forgetBatch = Math.min(retainBatch, data.forget().length);
    log(
        "DLFD perturbation step: %d retain + %d forget, %d warm-up + %d timed",
        retainBatch, forgetBatch, o.warmup, o.perturbIterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] retain = Indices.shuffled(data.retain(), o.seed + 1L);
    int[] forget = Indices.shuffled(data.forget(), o.seed + 2L);
    Timed timed;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), o.seed, device)) {
      FeatureDistancingPerturbation perturbation = new FeatureDistancingPerturbation(model, config);
      double lambda = config.lambdaAt(1, 3); // mid-run weight; any value costs the same
      timed =
          repeat(
              o.perturbIterations,
              i -> {
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
                        perturbation.objectiveGradient(
                            step, x, y, forgetFeatures, cleanFeatures, lambda);
                    NDArray next = x.add(gradient.sign().mul(config.stepSize())).clip(0, 1);
                    next.getFloat(0, 0, 0, 0); // force completion
                    return System.nanoTime() - s;
                  } finally {
                    model.freezeTrainableParameters(false);
                  }
                }
              });
    }
    Map<String, Object> r =
        timing(
            "DLFD perturbation step (objectiveGradient + sign step)",
            retainBatch,
            timed,
            "retain images perturbed/s; "
                + forgetBatch
                + " forget images as OT target (features once per batch, excluded); a DLFD batch"
                + " takes "
                + config.perturbationSteps()
                + " such steps");
    r.put("forgetBatch", forgetBatch);
    r.put("perturbationStepsPerBatch", config.perturbationSteps());
    r.put("sinkhornIterations", config.sinkhornIterations());
    return r;
  }

  /** Eval-mode forward ({@link Classifier#predict}). */
  Map<String, Object> evalForward() {
    int n = Math.min(o.evalBatch, data.retain().length);
    log("eval forward: batch %d, %d warm-up + %d timed", n, o.warmup, o.iterations);
    ImageBatches batches = new ImageBatches(data.dataset());
    int[] order = Indices.shuffled(data.retain(), o.seed + 3L);
    Timed timed;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), o.seed, device)) {
      timed =
          repeat(
              o.iterations,
              i -> {
                int from = (i * n) % (order.length - n + 1);
                try (NDManager step = model.manager().newSubManager()) {
                  NDArray x = batches.images(step, order, from, from + n);
                  long s = System.nanoTime();
                  NDArray logits = model.predict(x).get(0);
                  logits.getFloat(0, 0); // force completion
                  return System.nanoTime() - s;
                }
              });
    }
    return timing(
        "Eval forward (Classifier.predict)",
        n,
        timed,
        "eval mode, no gradient; batch assembly excluded");
  }

  /** One iteration of a micro-benchmark; returns the nanoseconds of its timed part. */
  private interface Step {
    long run(int iteration);
  }

  /**
   * The timed nanoseconds of the iterations after the warm-up, and the resident set size after the
   * warm-up (after the first iteration without warm-up) and at the end.
   */
  private record Timed(long[] nanos, long rssAfterWarmup, long rssEnd) {}

  /** Runs {@code step} {@code --warmup} times untimed, then {@code timed} times timed. */
  private Timed repeat(int timed, Step step) {
    long[] nanos = new long[timed];
    long rssAfterWarmup = -1;
    for (int i = 0; i < o.warmup + timed; i++) {
      long t = step.run(i);
      if (i >= o.warmup) {
        nanos[i - o.warmup] = t;
      }
      if (i == o.warmup - 1 || (o.warmup == 0 && i == 0)) {
        rssAfterWarmup = MachineFacts.rssMiB();
      }
    }
    return new Timed(nanos, rssAfterWarmup, MachineFacts.rssMiB());
  }

  private Map<String, Object> timing(String name, int images, Timed timed, String note) {
    long[] nanos = timed.nanos();
    long rssAfterWarmup = timed.rssAfterWarmup();
    long rssEnd = timed.rssEnd();
    double[] ms = Arrays.stream(nanos).mapToDouble(v -> v / 1e6).sorted().toArray();
    double total = Arrays.stream(ms).sum();
    double mean = total / ms.length;
    double median =
        ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    double imagesPerSecond = images * ms.length / (total / 1000);
    String ld = MachineFacts.load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("batch", images);
    r.put("warmupIterations", o.warmup);
    r.put("timedIterations", ms.length);
    r.put("meanMs", mean);
    r.put("medianMs", median);
    r.put("minMs", ms[0]);
    r.put("maxMs", ms[ms.length - 1]);
    r.put("imagesPerSecond", imagesPerSecond);
    r.put("rssMiBAfterWarmup", rssAfterWarmup);
    r.put("rssMiBEnd", rssEnd);
    r.put("loadAverage", MachineFacts.loadAverage());
    r.put("note", note);
    log(
        "%s: %.1f images/s (mean %.1f ms, median %.1f ms per batch of %d), RSS %d -> %d MiB, load %s",
        name, imagesPerSecond, mean, median, images, rssAfterWarmup, rssEnd, ld);
    report.row(
        new String[] {
          name,
          Integer.toString(images),
          o.warmup + " + " + ms.length,
          String.format(Locale.ROOT, "%.1f (median %.1f)", mean, median),
          String.format(Locale.ROOT, "%.1f img/s", imagesPerSecond),
          note + "; RSS " + rssAfterWarmup + " -> " + rssEnd + " MiB",
          ld
        });
    return r;
  }
}
