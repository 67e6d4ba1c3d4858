package io.lethe.engine.unlearn.baselines;

import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuard;

/**
 * What a baseline run has done so far: wall time, optimiser steps and samples read from the retain
 * and forget sets, reported to the progress listener step by step and turned into the {@link
 * UnlearningOutcome} at the end. Baselines do not estimate the forgetting score while they run, so
 * the outcome's scores are NaN.
 */
final class RunAccount {
  private final String method;
  private final UnlearningData data;
  private final ProgressListener progress;
  private final long totalSteps;
  private final long start = System.nanoTime();
  private final UtilityGuard guard;
  private boolean watched = true;
  private long steps;
  private long retainSamples;
  private long forgetSamples;

  RunAccount(String method, UnlearningData data, ProgressListener progress, long totalSteps) {
    this(method, data, progress, totalSteps, null);
  }

  /**
   * @param guard consulted after every step by {@link #stepped} (null: none); its report goes into
   *     the outcome, and {@code data} must be its {@link UtilityGuard#trainingData()}
   */
  RunAccount(
      String method,
      UnlearningData data,
      ProgressListener progress,
      long totalSteps,
      UtilityGuard guard) {
    this.guard = guard;
    if (guard != null) {
      guard.expectSteps(totalSteps);
    }
    this.method = method;
    this.data = data;
    this.progress = progress;
    this.totalSteps = totalSteps;
    progress.stageStarted(method, totalSteps);
  }

  /** Counts samples read without a step of their own (e.g. forwards of a frozen teacher). */
  void read(int retain, int forget) {
    retainSamples += retain;
    forgetSamples += forget;
  }

  /**
   * One optimiser step that read {@code retain} retain and {@code forget} forget samples.
   *
   * @return the guard's decision after it ({@link UtilityGuard.Decision#CONTINUE} without a guard)
   */
  UtilityGuard.Decision stepped(double loss, int retain, int forget) {
    steps++;
    read(retain, forget);
    progress.stepCompleted(ProgressEvent.of(method, steps, totalSteps, loss));
    return guard == null || !watched ? UtilityGuard.Decision.CONTINUE : guard.afterStep(steps);
  }

  /**
   * One optimiser step, as {@link #stepped}, with the guard's decision applied: a brake scales
   * {@code updater}'s learning rate by the guard's step scale.
   *
   * @return false when the guard stopped the run
   */
  boolean steppedGoingOn(double loss, int retain, int forget, ParameterUpdater updater) {
    UtilityGuard.Decision decision = stepped(loss, retain, forget);
    if (decision == UtilityGuard.Decision.BRAKE) {
      updater.scaleLearningRate(guardScale());
    }
    return decision != UtilityGuard.Decision.STOP;
  }

  /** Whether the guard is consulted after the next steps (UNSIR's impair pass is not watched). */
  void watched(boolean v) {
    watched = v;
  }

  /** The guard's step scale (1 without a guard). */
  double guardScale() {
    return guard == null ? 1 : guard.scale();
  }

  /** Steps so far. */
  long steps() {
    return steps;
  }

  void finished() {
    progress.stageFinished(method);
  }

  UnlearningOutcome outcome() {
    return new UnlearningOutcome(
        method,
        (System.nanoTime() - start) / 1e9,
        steps,
        (double) retainSamples / data.retain().length,
        (double) forgetSamples / data.forget().length,
        0,
        Double.NaN,
        Double.NaN,
        0,
        0,
        0,
        guard == null ? io.lethe.engine.unlearn.UtilityGuardReport.OFF : guard.report());
  }
}
