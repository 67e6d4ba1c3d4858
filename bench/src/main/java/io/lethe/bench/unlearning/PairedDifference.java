package io.lethe.bench.unlearning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference method (DLFD) against one other method, seed by seed. One seed fixes the forget set,
 * the splits and the original for every method, so the difference within a seed is free of the
 * forget set's own variance, which dominates the std of each row over seeds: a difference of 0.01
 * NoMUS that is consistent over seeds is meaningful even when both rows' stds are 0.02.
 *
 * @param key the other method's key
 * @param label the other method's label
 * @param seeds the seeds on which both methods have a result
 * @param nomusDifference reference NoMUS minus the other's, over the paired seeds
 * @param wins on how many paired seeds the reference's NoMUS is at least the other's
 * @param secondsRatio reference wall time divided by the other's, over the paired seeds
 */
public record PairedDifference(
    String key,
    String label,
    List<Integer> seeds,
    MeanStd nomusDifference,
    int wins,
    MeanStd secondsRatio) {

  /**
   * The reference against every other method in {@code results} (in first-seen order), on the seeds
   * both have. Methods without a common seed are left out; no reference result means no pairs.
   */
  public static List<PairedDifference> against(String referenceKey, List<MethodResult> results) {
    Map<Integer, MethodResult> reference = new LinkedHashMap<>();
    Map<String, Map<Integer, MethodResult>> others = new LinkedHashMap<>();
    for (MethodResult r : results) {
      if (r.key().equals(referenceKey)) {
        reference.put(r.seed(), r);
      } else {
        others.computeIfAbsent(r.key(), k -> new LinkedHashMap<>()).put(r.seed(), r);
      }
    }
    List<PairedDifference> pairs = new ArrayList<>();
    for (Map<Integer, MethodResult> other : others.values()) {
      List<Integer> seeds = new ArrayList<>();
      List<Double> differences = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      int wins = 0;
      String label = null;
      for (Map.Entry<Integer, MethodResult> e : other.entrySet()) {
        MethodResult ref = reference.get(e.getKey());
        if (ref == null) {
          continue;
        }
        MethodResult o = e.getValue();
        label = o.label();
        seeds.add(e.getKey());
        double d = ref.report().nomus() - o.report().nomus();
        differences.add(d);
        ratios.add(ref.seconds() / o.seconds());
        if (d >= 0) {
          wins++;
        }
      }
      if (!seeds.isEmpty()) {
        pairs.add(
            new PairedDifference(
                other.values().iterator().next().key(),
                label,
                List.copyOf(seeds),
                MeanStd.of(differences.stream().mapToDouble(Double::doubleValue).toArray()),
                wins,
                MeanStd.of(ratios.stream().mapToDouble(Double::doubleValue).toArray())));
      }
    }
    return pairs;
  }
}
