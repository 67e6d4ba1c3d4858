package io.lethe.bench.unlearning.report;

import io.lethe.bench.unlearning.BenchmarkSplits;
import io.lethe.bench.unlearning.FeatureDistanceProbe;
import io.lethe.bench.unlearning.HyperparameterTuner;
import io.lethe.bench.unlearning.MeanStd;
import io.lethe.bench.unlearning.MethodResult;
import io.lethe.bench.unlearning.UnlearningPlan;
import io.lethe.bench.unlearning.UnlearningRun;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lines under Table 1 and Table 3: dataset, seeds, the original's forgetting score and MIA
 * spread, sizes, the original's feature distances, how the methods were tuned, and failed runs.
 */
final class ReportFooter {
  private ReportFooter() {}

  static List<String> lines(UnlearningPlan plan, UnlearningRun run) {
    List<String> footer = new ArrayList<>(summary(plan, run));
    for (String failure : run.failures()) {
      footer.add("FAILED, not in the table: " + failure);
    }
    return footer;
  }

  private static List<String> summary(UnlearningPlan plan, UnlearningRun run) {
    BenchmarkSplits splits = plan.splits();
    int forgetCount = plan.forgetCount();
    List<MethodResult> results = run.results();
    Map<String, HyperparameterTuner.Choice> choices = run.choices();
    List<MethodResult> originals =
        results.stream().filter(r -> r.key().equals(MethodResult.ORIGINAL)).toList();
    MeanStd originalScore =
        MeanStd.of(originals.stream().mapToDouble(r -> r.report().forgettingScore()).toArray());
    MeanStd miaStd =
        MeanStd.of(originals.stream().mapToDouble(r -> r.report().mia().std()).toArray());
    MethodResult o = originals.get(0);
    List<String> f = new ArrayList<>();
    f.add("Dataset " + DatasetSummary.of(splits.dataset()).substring("dataset ".length()) + ".");
    f.add(
        String.format(
            Locale.ROOT,
            "Mean ± sample std (n−1) over seeds %s. Seed s picks the %d forget subjects and seeds"
                + " every method and Retrain; one original (seed %d, %d epochs) for all.",
            plan.seeds(),
            forgetCount,
            plan.originalSeed(),
            plan.epochs()));
    f.add(
        String.format(
            Locale.ROOT,
            "Original's forgetting score: %s; MIA std across its 10 splits: %.4f (mean over"
                + " seeds); attack on %d forget vs %d unseen samples after balancing.",
            originalScore.format(4),
            miaStd.mean(),
            o.report().mia().memberCount(),
            o.report().mia().nonMemberCount()));
    f.add(
        String.format(
            Locale.ROOT,
            "Sizes: original trained on %d images; per seed forget %d, retain %d; test %d; unseen"
                + " %d; tuning accuracy %d, tuning non-members %d.",
            splits.originalTrain().length,
            splits.forSeed(plan.firstSeed(), forgetCount).forget().length,
            splits.forSeed(plan.firstSeed(), forgetCount).retain().length,
            splits.test().length,
            splits.unseen().length,
            splits.tuningAccuracy().length,
            splits.tuningNonMembers().length));
    f.add(featureDistanceLine(run.featureDistances()));
    if (choices.isEmpty()) {
      f.add(
          plan.overrides().isEmpty()
              ? "Tuning: none (--tune none); every method ran with its documented defaults."
              : "Tuning: none (--tune none); every method ran with its documented defaults and"
                  + " these --set overrides: "
                  + plan.overrides()
                  + ".");
    } else {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "Tuning: grid on seed %d's forget set, objective NoMUS(tuning accuracy, MIA"
                      + " forget vs tuning non-members), candidates more than %.2f below the"
                      + " original's tuning accuracy rejected; test and unseen never read. Chosen:",
                  plan.firstSeed(),
                  plan.tuningMargin()));
      // The trial count is each method's own: a --grid override may offer fewer candidates than
      // the budget, and the count is what a reader compares between methods.
      choices.forEach(
          (k, c) ->
              sb.append(' ')
                  .append(k)
                  .append(' ')
                  .append(c.settings())
                  .append(" (best of ")
                  .append(c.attempts().size())
                  .append(" trials);"));
      // A --set next to --tune grid fixes a setting in every trial and every seed (e.g. UNSIR's
      // repair rate while its impair rate is tuned); without it the choice reads incomplete.
      if (!plan.overrides().isEmpty()) {
        sb.append(" Fixed by --set in every trial and seed: ").append(plan.overrides()).append('.');
      }
      f.add(sb.toString());
    }
    return f;
  }

  /** The original's OT distances, mean over seeds, per feature layer. */
  private static String featureDistanceLine(
      Map<Integer, List<FeatureDistanceProbe.Distances>> featureDistances) {
    StringBuilder sb =
        new StringBuilder(
            "Original's Sinkhorn distance (DLFD's OT, ε 0.01) from retain batches, mean over seeds"
                + " and paired batches of "
                + featureDistances.values().iterator().next().get(0).batchSize()
                + ":");
    for (FeatureSource f : FeatureSource.values()) {
      double rr = 0;
      double rf = 0;
      double ru = 0;
      int n = 0;
      for (List<FeatureDistanceProbe.Distances> seed : featureDistances.values()) {
        for (FeatureDistanceProbe.Distances d : seed) {
          if (d.features() == f) {
            rr += d.retainToRetain();
            rf += d.retainToForget();
            ru += d.retainToUnseen();
            n++;
          }
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              " %s: to retain %.4f, to forget %.4f, to unseen %.4f;",
              f.name().toLowerCase(Locale.ROOT),
              rr / n,
              rf / n,
              ru / n));
    }
    return sb.toString();
  }
}
