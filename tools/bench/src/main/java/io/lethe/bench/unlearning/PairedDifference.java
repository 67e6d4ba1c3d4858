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

  /** One method's NoMUS and wall time on one seed: all a pairing needs. */
  public record SeedScore(String key, String label, int seed, double nomus, double seconds) {
    static SeedScore of(MethodResult r) {
      return new SeedScore(r.key(), r.label(), r.seed(), r.report().nomus(), r.seconds());
    }
  }

  /** {@link #between} on the benchmark's own results. */
  public static List<PairedDifference> against(String referenceKey, List<MethodResult> results) {
    return between(referenceKey, results.stream().map(SeedScore::of).toList());
  }

  /**
   * The reference against every other method in {@code scores} (in first-seen order), on the seeds
   * both have. Methods without a common seed are left out; no reference result means no pairs.
   */
  public static List<PairedDifference> between(String referenceKey, List<SeedScore> scores) {
    Map<Integer, SeedScore> reference = new LinkedHashMap<>();
    Map<String, Map<Integer, SeedScore>> others = new LinkedHashMap<>();
    for (SeedScore r : scores) {
      if (r.key().equals(referenceKey)) {
        reference.put(r.seed(), r);
      } else {
        others.computeIfAbsent(r.key(), k -> new LinkedHashMap<>()).put(r.seed(), r);
      }
    }
    List<PairedDifference> pairs = new ArrayList<>();
    for (Map<Integer, SeedScore> other : others.values()) {
      List<Integer> seeds = new ArrayList<>();
      List<Double> differences = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      int wins = 0;
      for (Map.Entry<Integer, SeedScore> e : other.entrySet()) {
        SeedScore ref = reference.get(e.getKey());
        if (ref == null) {
          continue;
        }
        seeds.add(e.getKey());
        double d = ref.nomus() - e.getValue().nomus();
        differences.add(d);
        ratios.add(ref.seconds() / e.getValue().seconds());
        if (d >= 0) {
          wins++;
        }
      }
      if (!seeds.isEmpty()) {
        SeedScore any = other.values().iterator().next();
        pairs.add(
            new PairedDifference(
                any.key(),
                any.label(),
                List.copyOf(seeds),
                MeanStd.of(differences.stream().mapToDouble(Double::doubleValue).toArray()),
                wins,
                MeanStd.of(ratios.stream().mapToDouble(Double::doubleValue).toArray())));
      }
    }
    return pairs;
  }
}
