package io.lethe.engine.unlearn;

import java.util.List;

/**
 * What the {@link UtilityGuard} saw and decided during one run.
 *
 * @param enabled whether the guard watched the run (false: every other field is empty)
 * @param margin the configured margin (absolute accuracy)
 * @param sliceSize retain samples held out of the run and watched
 * @param parentAccuracy the parent's accuracy on the slice, before the run
 * @param checks checks taken (the final one included)
 * @param brakes times the guard rolled back and halved the method's step; a breach at the final
 *     check while brakes are left counts as one too, and its roll-back ends the run ({@code
 *     stopped})
 * @param stopped whether the guard ended the run early or undid its end
 * @param reason why the run ended as it did, in words
 * @param finalAccuracy accuracy on the slice of the model the run returns
 * @param accuracies accuracy on the slice at each check, in order
 * @param seconds wall time of the checks and state copies (included in the run's time)
 */
public record UtilityGuardReport(
    boolean enabled,
    double margin,
    int sliceSize,
    double parentAccuracy,
    int checks,
    int brakes,
    boolean stopped,
    String reason,
    double finalAccuracy,
    List<Double> accuracies,
    double seconds) {
  public UtilityGuardReport {
    accuracies = List.copyOf(accuracies);
  }

  /** A run without the guard, with the reason it did not run. */
  public static UtilityGuardReport off(String reason) {
    return new UtilityGuardReport(
        false, Double.NaN, 0, Double.NaN, 0, 0, false, reason, Double.NaN, List.of(), 0);
  }

  /** The decisions in one line, for logs and consoles. */
  public String summary() {
    if (!enabled) {
      return reason;
    }
    return String.format(
        java.util.Locale.ROOT,
        "%d check(s), %d brake(s), %s; slice of %d: parent %.4f, result %.4f (margin %.2f)",
        checks,
        brakes,
        stopped ? reason : "not stopped",
        sliceSize,
        parentAccuracy,
        finalAccuracy,
        margin);
  }

  /** The report of a run with the guard switched off. */
  public static final UtilityGuardReport OFF = off("guard off");
}
