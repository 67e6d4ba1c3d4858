package io.lethe.bench.unlearning;

import io.lethe.engine.metrics.EvaluationReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One method's results over seeds: every column of Table 1 as mean ± std over the seeds.
 *
 * @param miaSplitStd the attack's own standard deviation across its shuffle splits (mean over
 *     seeds): the noise floor of one MIA number
 * @param perturbedShare DLFD: share of batches trained on perturbed images; null for methods
 *     without dynamic forgetting
 * @param initialEstimate DLFD: its monitor's score of the original; null for the others
 * @param finalEstimate DLFD: its monitor's score after the run; null for the others
 * @param monitorSeconds DLFD: of {@code seconds}, the time its forgetting-score monitor took; null
 *     for the others
 * @param perturbationSeconds DLFD: of {@code seconds}, the time spent computing x*; null for the
 *     others
 * @param attackAccuracy accuracy of each membership-inference attack other than the loss attack
 *     ({@code mia}) that every run has, by name in report order; empty for runs without
 * @param strongestForgettingScore per run, the forgetting score of its strongest attack (the loss
 *     attack's when there is no other)
 */
public record AggregatedRow(
    String key,
    String label,
    List<Integer> seeds,
    MeanStd testAccuracy,
    MeanStd top2Accuracy,
    MeanStd forgetAccuracy,
    MeanStd unseenAccuracy,
    MeanStd mia,
    MeanStd miaSplitStd,
    MeanStd forgettingScore,
    MeanStd nomus,
    MeanStd seconds,
    MeanStd retainPasses,
    MeanStd forgetPasses,
    MeanStd perturbedShare,
    MeanStd initialEstimate,
    MeanStd finalEstimate,
    MeanStd monitorSeconds,
    MeanStd perturbationSeconds,
    Map<String, MeanStd> attackAccuracy,
    MeanStd strongestForgettingScore) {

  /** Groups {@code results} by method key, keeping the order in which methods first appear. */
  public static List<AggregatedRow> aggregate(List<MethodResult> results) {
    Map<String, List<MethodResult>> byKey = new LinkedHashMap<>();
    for (MethodResult r : results) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    List<AggregatedRow> rows = new ArrayList<>();
    for (List<MethodResult> runs : byKey.values()) {
      rows.add(
          new AggregatedRow(
              runs.get(0).key(),
              runs.get(0).label(),
              runs.stream().map(MethodResult::seed).toList(),
              over(runs, r -> r.report().testAccuracy()),
              over(runs, r -> r.report().testTop2Accuracy()),
              over(runs, MethodResult::forgetAccuracy),
              over(runs, MethodResult::unseenAccuracy),
              over(runs, r -> r.report().mia().accuracy()),
              over(runs, r -> r.report().mia().std()),
              over(runs, r -> r.report().forgettingScore()),
              over(runs, r -> r.report().nomus()),
              over(runs, MethodResult::seconds),
              over(runs, MethodResult::retainPasses),
              over(runs, MethodResult::forgetPasses),
              traced(runs, DynamicForgettingTrace::perturbedShare),
              traced(runs, DynamicForgettingTrace::initialEstimate),
              traced(runs, DynamicForgettingTrace::finalEstimate),
              traced(runs, DynamicForgettingTrace::monitorSeconds),
              traced(runs, DynamicForgettingTrace::perturbationSeconds),
              otherAttacks(runs),
              over(runs, r -> r.report().strongest().forgettingScore())));
    }
    return rows;
  }

  /** The accuracy of every attack besides the loss attack that all runs have, in report order. */
  private static Map<String, MeanStd> otherAttacks(List<MethodResult> runs) {
    Map<String, MeanStd> out = new LinkedHashMap<>();
    for (String name : runs.get(0).report().attacks().keySet()) {
      if (!name.equals(EvaluationReport.LOSS_ATTACK)
          && runs.stream().allMatch(r -> r.report().attacks().containsKey(name))) {
        out.put(name, over(runs, r -> r.report().attacks().get(name).accuracy()));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Null unless every run has a monitor (NaN marks a method without one). */
  private static MeanStd traced(
      List<MethodResult> runs, ToDoubleFunction<DynamicForgettingTrace> f) {
    double[] values =
        runs.stream().mapToDouble(r -> f.applyAsDouble(r.dynamicForgetting())).toArray();
    for (double v : values) {
      if (Double.isNaN(v)) {
        return null;
      }
    }
    return MeanStd.of(values);
  }

  private static MeanStd over(List<MethodResult> runs, ToDoubleFunction<MethodResult> f) {
    return MeanStd.of(runs.stream().mapToDouble(f).toArray());
  }
}
