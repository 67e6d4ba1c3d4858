package io.lethe.engine.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.lethe.engine.data.Indices;
import io.lethe.engine.evaluation.Predictor;
import io.lethe.engine.model.Classifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches utility while an unlearning method changes a model, and brakes or stops the method when
 * it falls too far.
 *
 * <p>A seeded slice of the retain set is held out of the run ({@link #trainingData()} is what the
 * method trains on) and the parent's accuracy on it is measured first. Every {@code checkEvery}
 * optimiser steps the model is measured on the slice (eval mode). Within the margin, its parameters
 * become the state to fall back to. Below it, the guard <em>brakes</em>: the model rolls back to
 * the last state within the margin and the method multiplies its step (DLFD's α, a baseline's
 * learning rate) by {@link #scale()}, halved per brake. A breach after {@code maxBrakes} brakes
 * <em>stops</em> the run at the last state within the margin. {@link #finish()} checks the end
 * state once more the same way, so a run never returns a model below the margin on the slice unless
 * the parent itself was.
 *
 * <p>Disabled (or with a retain set too small for a slice of {@link UtilityGuardConfig#MIN_SLICE}),
 * it holds nothing out and every decision is {@link Decision#CONTINUE}.
 */
public final class UtilityGuard implements AutoCloseable {
  /** What the method should do after a step. */
  public enum Decision {
    CONTINUE,
    /** Rolled back; go on with the step scaled by {@link #scale()}. */
    BRAKE,
    /** Rolled back to the last state within the margin; end the run. */
    STOP
  }

  private static final int PREDICT_BATCH = 64;

  private final Classifier model;
  private final UnlearningData data;
  private final UnlearningData training;
  private final UtilityGuardConfig config;
  private final int[] slice;
  private final Predictor predictor = new Predictor(PREDICT_BATCH);
  private final List<Double> accuracies = new ArrayList<>();
  private final String offReason;
  private NDManager snapshotManager;
  private Map<String, NDArray> snapshot;
  private double parentAccuracy = Double.NaN;
  private double lastGoodAccuracy = Double.NaN;
  private int brakes;
  private boolean stopped;
  private String reason = "within margin";
  private double finalAccuracy = Double.NaN;
  private long nanos;
  private int interval;
  private long lastStep;
  private long lastRollbackStep = -1;

  /**
   * Measures the parent on the slice and keeps its parameters as the first fall-back state.
   *
   * @param seed draws the slice
   */
  public UtilityGuard(Classifier model, UnlearningData data, UtilityGuardConfig config, long seed) {
    this.model = model;
    this.data = data;
    this.config = config;
    this.interval = config.checkEvery();
    int n = config.enabled() ? config.sliceFor(data.retain().length) : 0;
    if (!config.enabled()) {
      offReason = "guard off";
    } else if (n == 0) {
      offReason =
          "guard off: a retain set of "
              + data.retain().length
              + " leaves no slice of "
              + UtilityGuardConfig.MIN_SLICE
              + " samples";
    } else {
      offReason = null;
    }
    if (offReason != null) {
      slice = new int[0];
      training = data;
      return;
    }
    int[] shuffled = Indices.shuffled(data.retain(), seed * 2_147_483_647L + 97);
    slice = Arrays.copyOf(shuffled, n);
    int[] rest = Arrays.copyOfRange(shuffled, n, shuffled.length);
    Arrays.sort(rest); // the method sees the retain set in its own order, minus the slice
    training =
        new UnlearningData(data.dataset(), data.forget(), rest, data.unseen(), data.validation());
    long t0 = System.nanoTime();
    snapshotManager = NDManager.newBaseManager(model.device());
    parentAccuracy = accuracy();
    lastGoodAccuracy = parentAccuracy;
    snapshot = new LinkedHashMap<>();
    for (Parameter p : model.block().getParameters().values()) {
      NDArray copy = p.getArray().duplicate();
      copy.attach(snapshotManager);
      snapshot.put(p.getId(), copy);
    }
    nanos += System.nanoTime() - t0;
  }

  public boolean active() {
    return offReason == null;
  }

  /** The data the method must train on: without the slice when the guard is active. */
  public UnlearningData trainingData() {
    return training;
  }

  /** The factor the method's step is multiplied by: {@code 0.5^brakes}. */
  public double scale() {
    return Math.pow(UtilityGuardConfig.BRAKE_FACTOR, brakes);
  }

  public boolean stopped() {
    return stopped;
  }

  /**
   * The number of optimiser steps the run plans, so a short run is still checked {@link
   * UtilityGuardConfig#MIN_CHECKS_PER_RUN} times. Call before the first step.
   */
  public void expectSteps(long steps) {
    interval = config.intervalFor(steps);
  }

  /** Call after every optimiser step with the number of steps taken so far. */
  public Decision afterStep(long steps) {
    lastStep = steps;
    if (!active() || stopped || steps % interval != 0) {
      return Decision.CONTINUE;
    }
    Decision d = check("step " + steps);
    if (d != Decision.CONTINUE) {
      lastRollbackStep = steps;
    }
    return d;
  }

  /**
   * The last check, on the state the run ends in: below the margin, it rolls back to the last state
   * within it. Call once, after the method's last change to the model.
   */
  public void finish() {
    if (active() && !stopped && lastRollbackStep == lastStep) {
      // The run ended on a brake: nothing after the roll-back to keep or to check.
      stopped = true;
      reason =
          String.format(
              "stopped at step %d, the run's last: its brake rolled back to the last state within"
                  + " the margin (%.3f on the guard slice)",
              lastStep, lastGoodAccuracy);
    }
    if (active() && !stopped) {
      Decision d = check("end of run");
      if (d != Decision.CONTINUE && !stopped) {
        // A brake at the end has no run left to continue: its roll-back is the result.
        stopped = true;
        reason =
            String.format(
                "stopped at end of run: accuracy on the guard slice broke the margin; restored the"
                    + " last state within it (%.3f)",
                lastGoodAccuracy);
      }
    }
    if (active()) {
      finalAccuracy = stopped ? lastGoodAccuracy : accuracies.get(accuracies.size() - 1);
    }
  }

  private Decision check(String where) {
    long t0 = System.nanoTime();
    try {
      double acc = accuracy();
      accuracies.add(acc);
      if (acc >= parentAccuracy - config.margin()) {
        copy(true);
        lastGoodAccuracy = acc;
        return Decision.CONTINUE;
      }
      copy(false);
      if (brakes < config.maxBrakes()) {
        brakes++;
        return Decision.BRAKE;
      }
      stopped = true;
      reason =
          String.format(
              "stopped at %s: accuracy on the guard slice %.3f fell more than %.3f below the"
                  + " parent's %.3f after %d brake(s); restored the last state within the margin"
                  + " (%.3f)",
              where, acc, config.margin(), parentAccuracy, brakes, lastGoodAccuracy);
      return Decision.STOP;
    } finally {
      nanos += System.nanoTime() - t0;
    }
  }

  /** {@code save}: model → snapshot; otherwise snapshot → model (in place, no new arrays). */
  private void copy(boolean save) {
    for (Parameter p : model.block().getParameters().values()) {
      NDArray kept = snapshot.get(p.getId());
      if (save) {
        p.getArray().copyTo(kept);
      } else {
        kept.copyTo(p.getArray());
      }
    }
  }

  private double accuracy() {
    return predictor.predict(model, data.dataset(), slice).accuracy();
  }

  public UtilityGuardReport report() {
    if (!active()) {
      return UtilityGuardReport.off(offReason);
    }
    String r =
        stopped ? reason : brakes > 0 ? "within margin after " + brakes + " brake(s)" : reason;
    return new UtilityGuardReport(
        true,
        config.margin(),
        slice.length,
        parentAccuracy,
        accuracies.size(),
        brakes,
        stopped,
        r,
        finalAccuracy,
        accuracies,
        nanos / 1e9);
  }

  @Override
  public void close() {
    if (snapshotManager != null) {
      snapshotManager.close();
      snapshotManager = null;
    }
  }
}
