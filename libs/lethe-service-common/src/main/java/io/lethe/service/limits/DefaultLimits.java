package io.lethe.service.limits;

import io.lethe.api.Method;
import io.lethe.service.limits.Bound.BooleanChoice;
import io.lethe.service.limits.Bound.DecimalRange;
import io.lethe.service.limits.Bound.IntegerRange;
import io.lethe.service.limits.Bound.NameChoice;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in table: for every key the worker's {@code MethodSettings} accepts (every key of the
 * engine's {@code MethodRegistry}), the widest range the engine itself accepts ({@code engine}: an
 * operator may not configure beyond it, so the intake never admits a value the worker must reject)
 * and the default range an operator gets without configuring anything.
 *
 * <p><b>Why these defaults.</b> They bound the knobs that multiply a job's cost (epochs,
 * perturbation steps, Sinkhorn iterations, score samples, batch size) at a few times the values the
 * authors and our benchmarks use, so every published recipe and every tuning grid in {@code
 * tools/bench/} fits, while {@code epochs: 2000000000} does not. Rates stay where SGD converges on
 * the shipped architectures. Values that only steer (thresholds, margins, booleans, choices, the
 * seed) keep the engine's full range: they cannot make a job longer. No range bounds a job's wall
 * time on its own (that depends on the dataset too): the worker's time budget ({@code
 * WORKER_JOB_TIMEOUT}) does.
 */
final class DefaultLimits {
  private static final long INT_MAX = Integer.MAX_VALUE;
  private static final BooleanChoice EITHER = BooleanChoice.EITHER;
  private static final IntegerRange ANY_INT = new IntegerRange(Integer.MIN_VALUE, INT_MAX);

  /** One key: the engine's own limits and the default operator range within them. */
  record Row(Bound engine, Bound range) {
    Row {
      if (!engine.covers(range)) {
        throw new IllegalStateException("default " + range.spec() + " beyond " + engine.spec());
      }
    }
  }

  private DefaultLimits() {}

  /** Method → key → row; methods without a row for a key accept no such key. */
  static Map<Method, Map<String, Row>> table() {
    Map<Method, Map<String, Row>> t = new EnumMap<>(Method.class);
    for (Method m : Method.values()) {
      t.put(m, new TreeMap<>());
    }
    Map<String, Row> dlfd = t.get(Method.DLFD);
    // Engine default 0.008; above 0.5 plain SGD diverges on every architecture we ship.
    dlfd.put("learningRate", row(DecimalRange.of("1e-9", "10"), DecimalRange.of("1e-6", "0.5")));
    dlfd.put("momentum", row(DecimalRange.of("0", "0.9999"), DecimalRange.of("0", "0.99")));
    dlfd.put("weightDecay", row(DecimalRange.of("0", "1"), DecimalRange.of("0", "0.1")));
    // 1 breaks BatchNorm in training mode; 1024 CPU images per step is already memory-hungry.
    dlfd.put("batchSize", row(ints(1, INT_MAX), ints(2, 1024)));
    // The paper makes one pass over the retain set; ten is a retrain's cost on most datasets.
    dlfd.put("epochs", row(ints(1, INT_MAX), ints(1, 10)));
    // Each step is a forward and backward pass per batch (authors: 15).
    dlfd.put("perturbationSteps", row(ints(1, INT_MAX), ints(1, 50)));
    // Pixel units: 0.1 × 15 steps already saturates an image (engine default 0.001).
    dlfd.put("stepSize", row(DecimalRange.of("1e-12", "1"), DecimalRange.of("1e-6", "0.1")));
    dlfd.put("alpha", row(DecimalRange.of("1e-12", "1"), DecimalRange.of("1e-6", "0.1")));
    dlfd.put("forgetWeight", row(DecimalRange.of("0", "1e6"), DecimalRange.of("0", "100")));
    dlfd.put("lambdaStart", row(DecimalRange.of("0", "1e6"), DecimalRange.of("0", "10")));
    dlfd.put("lambdaEnd", row(DecimalRange.of("0", "1e6"), DecimalRange.of("0", "10")));
    dlfd.put("classificationLoss", row(EITHER, EITHER));
    dlfd.put("dynamicForgetting", row(EITHER, EITHER));
    dlfd.put("threshold", row(DecimalRange.of("0", "0.5"), DecimalRange.of("0", "0.5")));
    dlfd.put("relativeThreshold", row(DecimalRange.of("0", "1"), DecimalRange.of("0", "1")));
    dlfd.put("resumeMargin", row(DecimalRange.of("0", "1"), DecimalRange.of("0", "1")));
    dlfd.put(
        "sinkhornEpsilon", row(DecimalRange.of("1e-12", "1e3"), DecimalRange.of("1e-4", "10")));
    // Iterations run inside every perturbation step (authors: 50).
    dlfd.put("sinkhornIterations", row(ints(1, INT_MAX), ints(1, 500)));
    // Cadences: small values mean more score estimates, but at most one per batch.
    dlfd.put("scoreEvery", row(ints(1, INT_MAX), ints(1, 100_000)));
    dlfd.put("scoreEveryWhileClean", row(ints(1, INT_MAX), ints(1, 100_000)));
    dlfd.put("cleanReadingsPerEpoch", row(ints(1, INT_MAX), ints(1, 1000)));
    // Each estimate scores this many forget and unseen samples (engine default 512).
    dlfd.put("scoreSampleSize", row(ints(1, INT_MAX), ints(8, 4096)));
    dlfd.put("scoreSplits", row(ints(1, INT_MAX), ints(1, 20)));
    dlfd.put("seed", row(ANY_INT, ANY_INT));
    dlfd.put("batchNormRecalibrationBatches", row(ints(0, INT_MAX), ints(0, 1000)));
    // Implementation variants the benchmark ablates: they change what a step computes, not how
    // many steps run, so every choice stays open.
    NameChoice features = NameChoice.of("logits", "embedding");
    dlfd.put("featureSource", row(features, features));
    dlfd.put("otOnClean", row(EITHER, EITHER));
    NameChoice spaces = NameChoice.of("pixel", "normalised_clamped");
    dlfd.put("perturbationSpace", row(spaces, spaces));
    dlfd.put("perturbInTrainingMode", row(EITHER, EITHER));
    // The utility guard (engine default off, margin 0.05). Switching it off is the operator's call:
    // the default range allows it, a deployment may pin guard=true.
    dlfd.put("guard", row(EITHER, EITHER));
    dlfd.put("guardMargin", row(DecimalRange.of("0", "1"), DecimalRange.of("0", "0.5")));
    // Slice samples are held out of the run and forwarded at every check.
    dlfd.put("guardSlice", row(ints(16, INT_MAX), ints(16, 4096)));
    dlfd.put(
        "guardSliceFraction",
        row(DecimalRange.of("1e-6", "0.999999"), DecimalRange.of("0.01", "0.5")));
    dlfd.put("guardEvery", row(ints(1, INT_MAX), ints(1, 100_000)));
    dlfd.put("guardBrakes", row(ints(0, INT_MAX), ints(0, 10)));

    Map<String, Row> retrain = t.get(Method.RETRAIN);
    // The shipped recipe trains 30 epochs; 100 fits every recipe in tools/bench/ with room to
    // spare.
    retrain.put("epochs", row(ints(1, INT_MAX), ints(1, 100)));
    retrain.put("batchSize", row(ints(1, INT_MAX), ints(2, 1024)));
    retrain.put("learningRate", row(DecimalRange.of("1e-9", "10"), DecimalRange.of("1e-6", "1")));
    retrain.put("momentum", row(DecimalRange.of("0", "0.9999"), DecimalRange.of("0", "0.99")));
    retrain.put("weightDecay", row(DecimalRange.of("0", "1"), DecimalRange.of("0", "0.1")));
    retrain.put("cosineSchedule", row(EITHER, EITHER));
    retrain.put("seed", row(ANY_INT, ANY_INT));
    // TRAIN is no forget-request method: it accepts no key at all.

    Map<Method, Map<String, Row>> frozen = new EnumMap<>(Method.class);
    t.forEach((m, rows) -> frozen.put(m, Collections.unmodifiableMap(rows)));
    return Collections.unmodifiableMap(frozen);
  }

  private static Row row(Bound engine, Bound range) {
    return new Row(engine, range);
  }

  private static IntegerRange ints(long min, long max) {
    return new IntegerRange(min, max);
  }
}
