package io.lethe.bench.unlearning;

import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.LabelledLoss;
import java.util.List;
import java.util.Map;

/**
 * One method on one seed, measured on the reported test, forget and unseen sets.
 *
 * @param forgetAccuracy top-1 accuracy on the forget set: with {@code unseenAccuracy}, how much the
 *     model memorised
 * @param unseenAccuracy top-1 accuracy on the unseen set
 * @param seconds wall time of the unlearning (or training) run, evaluation excluded
 * @param retainPasses passes over the retain set (training set for the original)
 * @param forgetPasses passes over the forget set
 * @param dynamicForgetting DLFD's perturbed batches and monitor readings ({@link
 *     DynamicForgettingTrace#NONE} for the others)
 * @param settings the settings the method ran with (tuned or default)
 * @param losses per-sample losses (for the figure; not written to JSON)
 */
public record MethodResult(
    String key,
    String label,
    int seed,
    EvaluationReport report,
    double forgetAccuracy,
    double unseenAccuracy,
    double seconds,
    double retainPasses,
    double forgetPasses,
    DynamicForgettingTrace dynamicForgetting,
    Map<String, Object> settings,
    List<LabelledLoss> losses) {
  public static final String ORIGINAL = "original";
}
