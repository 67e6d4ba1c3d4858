package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.UtilityGuardReport;

/**
 * What DLFD's dynamic forgetting did in one run: how many of its batches were perturbed and what
 * its own forgetting-score monitor read before and after. It is what decides DLFD's wall time
 * (every perturbed batch costs M extra input-gradient passes), so the tables show it.
 *
 * @param steps optimiser steps (batches) of the run
 * @param perturbedSteps of which trained on perturbed images
 * @param initialEstimate the monitor's score of the original, on the unlearning data only (the
 *     threshold is relative to it); NaN when the method has no monitor
 * @param finalEstimate the monitor's score after the run; NaN when the method has no monitor
 * @param monitorSeconds of the run's wall time, the time its monitor took; NaN without a monitor
 * @param monitorEstimates how many estimates the monitor took on the clock; 0 without a monitor
 * @param perturbationSeconds of the run's wall time, the time computing perturbed images; NaN
 *     without a monitor
 * @param guard what the utility guard saw and decided ({@link UtilityGuardReport#OFF} without it)
 */
public record DynamicForgettingTrace(
    long steps,
    long perturbedSteps,
    double initialEstimate,
    double finalEstimate,
    double monitorSeconds,
    long monitorEstimates,
    double perturbationSeconds,
    UtilityGuardReport guard) {
  public DynamicForgettingTrace(
      long steps,
      long perturbedSteps,
      double initialEstimate,
      double finalEstimate,
      double monitorSeconds,
      long monitorEstimates,
      double perturbationSeconds) {
    this(
        steps,
        perturbedSteps,
        initialEstimate,
        finalEstimate,
        monitorSeconds,
        monitorEstimates,
        perturbationSeconds,
        UtilityGuardReport.OFF);
  }

  /** For methods without perturbation or a monitor. */
  public static final DynamicForgettingTrace NONE =
      new DynamicForgettingTrace(0, 0, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN);

  public static DynamicForgettingTrace of(UnlearningOutcome outcome) {
    return new DynamicForgettingTrace(
        outcome.steps(),
        outcome.perturbedSteps(),
        outcome.initialForgettingScore(),
        outcome.finalForgettingScore(),
        outcome.monitorSeconds(),
        outcome.monitorEstimates(),
        outcome.perturbationSeconds(),
        outcome.guard());
  }

  /** Share of batches perturbed, or NaN for a run without steps. */
  public double perturbedShare() {
    return steps == 0 ? Double.NaN : (double) perturbedSteps / steps;
  }
}
