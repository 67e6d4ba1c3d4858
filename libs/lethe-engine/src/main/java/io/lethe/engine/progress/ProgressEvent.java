package io.lethe.engine.progress;

/**
 * One completed step of a stage.
 *
 * @param stage what is running
 * @param step steps done so far (1-based)
 * @param totalSteps steps in the stage
 * @param loss the training loss of the step, or NaN
 * @param forgettingScore the latest estimate of |MIA - 0.5| on the forget set, or NaN if not
 *     estimated in this stage
 * @param perturbed whether this step trained on DLFD-perturbed images
 */
public record ProgressEvent(
    String stage,
    long step,
    long totalSteps,
    double loss,
    double forgettingScore,
    boolean perturbed) {

  public static ProgressEvent of(String stage, long step, long totalSteps, double loss) {
    return new ProgressEvent(stage, step, totalSteps, loss, Double.NaN, false);
  }

  public double fractionDone() {
    return totalSteps == 0 ? 1.0 : (double) step / totalSteps;
  }
}
