package io.lethe.engine.unlearn;

/**
 * What an unlearning run did.
 *
 * @param method the method's name
 * @param seconds wall time of the unlearning itself (diagnostics measured after it, such as DLFD's
 *     final forgetting-score estimate, are not included)
 * @param steps optimiser steps taken
 * @param retainPasses passes over the retain set (fractional when partial)
 * @param forgetPasses passes over the forget set (DLFD pairs forget batches with retain batches)
 * @param perturbedSteps steps that trained on perturbed images (DLFD; 0 otherwise)
 * @param initialForgettingScore estimate before the run, or NaN if the method does not measure it
 * @param finalForgettingScore estimate after the run, or NaN
 * @param monitorSeconds of {@code seconds}, the time spent estimating the forgetting score to
 *     decide what to do (DLFD's dynamic forgetting; 0 otherwise)
 * @param monitorEstimates how many of those estimates were taken (0 without a steering monitor)
 * @param perturbationSeconds of {@code seconds}, the time spent computing perturbed inputs (DLFD's
 *     x*; 0 otherwise)
 * @param guard what the utility guard saw and decided ({@link UtilityGuardReport#OFF} without it)
 */
public record UnlearningOutcome(
    String method,
    double seconds,
    long steps,
    double retainPasses,
    double forgetPasses,
    long perturbedSteps,
    double initialForgettingScore,
    double finalForgettingScore,
    double monitorSeconds,
    long monitorEstimates,
    double perturbationSeconds,
    UtilityGuardReport guard) {
  public UnlearningOutcome {
    java.util.Objects.requireNonNull(guard, "guard");
  }

  /** An outcome of a run without the utility guard. */
  public UnlearningOutcome(
      String method,
      double seconds,
      long steps,
      double retainPasses,
      double forgetPasses,
      long perturbedSteps,
      double initialForgettingScore,
      double finalForgettingScore,
      double monitorSeconds,
      long monitorEstimates,
      double perturbationSeconds) {
    this(
        method,
        seconds,
        steps,
        retainPasses,
        forgetPasses,
        perturbedSteps,
        initialForgettingScore,
        finalForgettingScore,
        monitorSeconds,
        monitorEstimates,
        perturbationSeconds,
        UtilityGuardReport.OFF);
  }
}
