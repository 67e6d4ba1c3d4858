package io.lethe.bench.unlearning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders the aggregated rows as the paper's Table 1 and Table 3, in Markdown. */
public final class BenchmarkTables {
  private BenchmarkTables() {}

  /**
   * The utility guard's decisions per method, summed over seeds: runs it watched, checks, brakes,
   * runs it stopped, and the mean accuracy on its slice for the parent and the returned model.
   * Empty when no run had the guard on.
   */
  public static String guardTable(List<MethodResult> results) {
    Map<String, List<MethodResult>> byKey = new LinkedHashMap<>();
    for (MethodResult r : results) {
      if (r.dynamicForgetting().guard().enabled()) {
        byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
      }
    }
    if (byKey.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("## Utility guard (per method, summed over seeds)\n\n");
    sb.append(
        "| Method | Guarded runs | Checks | Brakes | Stopped runs | Slice size | Parent slice acc"
            + " | Final slice acc | Guard seconds |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (List<MethodResult> runs : byKey.values()) {
      var g = runs.stream().map(r -> r.dynamicForgetting().guard()).toList();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n",
              runs.get(0).label(),
              runs.size(),
              g.stream().mapToInt(x -> x.checks()).sum(),
              g.stream().mapToInt(x -> x.brakes()).sum(),
              g.stream().filter(x -> x.stopped()).count(),
              g.get(0).sliceSize(),
              MeanStd.of(g.stream().mapToDouble(x -> x.parentAccuracy()).toArray()).format(4),
              MeanStd.of(g.stream().mapToDouble(x -> x.finalAccuracy()).toArray()).format(4),
              MeanStd.of(g.stream().mapToDouble(x -> x.seconds()).toArray()).format(1)));
    }
    for (MethodResult r : results) {
      var g = r.dynamicForgetting().guard();
      if (g.enabled() && (g.brakes() > 0 || g.stopped())) {
        sb.append("\n- ")
            .append(r.label())
            .append(", seed ")
            .append(r.seed())
            .append(": ")
            .append(g.reason());
      }
    }
    return sb.append('\n').toString();
  }

  /**
   * Table 1: every method; {@code footer} lines are appended under the table. Its MIA is the loss
   * attack of the paper; when the rows hold other attacks, each gets a column, and a last column
   * gives the forgetting score of each run's strongest attack.
   */
  public static String table1(String title, List<AggregatedRow> rows, List<String> footer) {
    Set<String> others = new LinkedHashSet<>();
    rows.forEach(r -> others.addAll(r.attackAccuracy().keySet()));
    StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
    sb.append(
        "| Method | Test acc | Top-2 acc | Forget acc | Unseen acc | MIA acc | MIA split std"
            + " | Forgetting score | NoMUS | Seconds | Retain passes | Forget passes |");
    StringBuilder rule =
        new StringBuilder("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    if (!others.isEmpty()) {
      others.forEach(name -> sb.append(" MIA acc: ").append(name).append(" |"));
      sb.append(" Strongest-attack forgetting score |");
      rule.append("---:|".repeat(others.size() + 1));
    }
    sb.append('\n').append(rule).append('\n');
    for (AggregatedRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %.4f | %s | %s | %s | %s | %s |",
              r.label(),
              r.testAccuracy().format(4),
              r.top2Accuracy().format(4),
              r.forgetAccuracy().format(4),
              r.unseenAccuracy().format(4),
              r.mia().format(4),
              r.miaSplitStd().mean(),
              r.forgettingScore().format(4),
              r.nomus().format(4),
              r.seconds().format(1),
              r.retainPasses().format(2),
              r.forgetPasses().format(2)));
      if (!others.isEmpty()) {
        for (String name : others) {
          sb.append(' ').append(orDash(r.attackAccuracy().get(name), 4)).append(" |");
        }
        sb.append(' ').append(r.strongestForgettingScore().format(4)).append(" |");
      }
      sb.append('\n');
    }
    appendFooter(sb, footer);
    return sb.toString();
  }

  /**
   * Each method's NoMUS and wall time over the seeds it has in {@code scores}, in first-seen order:
   * the rows of runs pooled by {@code paired}, which may cover different seeds per method.
   */
  public static String pooledRowsTable(List<PairedDifference.SeedScore> scores) {
    Map<String, List<PairedDifference.SeedScore>> byMethod = new LinkedHashMap<>();
    scores.forEach(s -> byMethod.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s));
    StringBuilder sb =
        new StringBuilder("## Rows (mean ± sample std over each method's seeds)\n\n");
    sb.append("| Method | Seeds | NoMUS | Seconds |\n|---|---|---:|---:|\n");
    for (List<PairedDifference.SeedScore> runs : byMethod.values()) {
      MeanStd nomus =
          MeanStd.of(runs.stream().mapToDouble(PairedDifference.SeedScore::nomus).toArray());
      MeanStd seconds =
          MeanStd.of(runs.stream().mapToDouble(PairedDifference.SeedScore::seconds).toArray());
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.4f ± %.4f | %.1f ± %.1f |%n",
              runs.get(0).label(),
              runs.stream().map(PairedDifference.SeedScore::seed).sorted().toList(),
              nomus.mean(),
              nomus.std(),
              seconds.mean(),
              seconds.std()));
    }
    return sb.toString();
  }

  /**
   * The reference method against each other one, seed by seed ({@link PairedDifference}); empty
   * when there is nothing to pair.
   */
  public static String pairedTable(String referenceLabel, List<PairedDifference> pairs) {
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder("## Paired with ")
            .append(referenceLabel)
            .append(" (same seed: same forget set, splits and original)\n\n");
    sb.append(
        "| Method | NoMUS: "
            + referenceLabel
            + " − method | Seeds where "
            + referenceLabel
            + " ≥ method | Wall time: "
            + referenceLabel
            + " / method |\n");
    sb.append("|---|---:|---:|---:|\n");
    for (PairedDifference p : pairs) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %+.4f ± %.4f | %d of %d | %.2f ± %.2f |%n",
              p.label(),
              p.nomusDifference().mean(),
              p.nomusDifference().std(),
              p.wins(),
              p.seeds().size(),
              p.secondsRatio().mean(),
              p.secondsRatio().std()));
    }
    return sb.toString();
  }

  /** Table 3: the DLFD ablation rows, in {@link BenchMethods#ablationKeys()} order. */
  public static String table3(String title, List<AggregatedRow> rows, List<String> footer) {
    StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
    sb.append(
        "| Variant | Classification loss | Dynamic forgetting | Test acc | MIA acc | Forgetting"
            + " score | NoMUS | Seconds | of which monitor | of which perturbation | Perturbed"
            + " batches | Monitor: original → after |\n");
    sb.append("|---|:---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String key : BenchMethods.ablationKeys()) {
      DlfdVariant v = variantOf(key);
      rows.stream()
          .filter(r -> r.key().equals(key))
          .findFirst()
          .ifPresent(
              r ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                          r.label(),
                          v.classificationLoss() ? "yes" : "no",
                          v.dynamicForgetting() ? "yes" : "no",
                          r.testAccuracy().format(4),
                          r.mia().format(4),
                          r.forgettingScore().format(4),
                          r.nomus().format(4),
                          r.seconds().format(1),
                          orDash(r.monitorSeconds(), 1),
                          orDash(r.perturbationSeconds(), 1),
                          r.perturbedShare() == null ? "–" : r.perturbedShare().format(2),
                          monitorReadings(r))));
    }
    appendFooter(sb, footer);
    return sb.toString();
  }

  private static String orDash(MeanStd v, int decimals) {
    return v == null ? "–" : v.format(decimals);
  }

  /** The monitor's mean estimate before and after, or a dash for a row without a monitor. */
  private static String monitorReadings(AggregatedRow r) {
    if (r.initialEstimate() == null || r.finalEstimate() == null) {
      return "–";
    }
    return String.format(
        Locale.ROOT, "%.3f → %.3f", r.initialEstimate().mean(), r.finalEstimate().mean());
  }

  private static DlfdVariant variantOf(String key) {
    for (DlfdVariant v : DlfdVariant.values()) {
      if (v.key().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a DLFD variant: " + key);
  }

  private static void appendFooter(StringBuilder sb, List<String> footer) {
    if (!footer.isEmpty()) {
      sb.append('\n');
      for (String line : footer) {
        sb.append(line).append('\n');
      }
    }
  }
}
