package io.lethe.bench.unlearning;

import io.lethe.engine.evaluation.ModelOutputs;
import io.lethe.engine.evaluation.OutputDistance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How close each method's model is to Retrain's on the same seed: the share of samples on which
 * they predict the same class and the mean Jensen-Shannon divergence of their outputs, on the
 * forget set, on retain samples and on the test set. A method that forgot as Retrain did agrees
 * with it on all three; one that matched Retrain's membership score by other means (e.g. by raising
 * every loss) can still sit far from it. Outputs are recorded as the runs are measured; the
 * comparison is made once every method of a seed has run.
 */
public final class RetrainDistances {
  /** At most this many retain samples are compared (the first of the seed's retain set). */
  static final int RETAIN_SAMPLES = 1000;

  /** One model's outputs on the three sets. */
  record Outputs(ModelOutputs forget, ModelOutputs retain, ModelOutputs test) {}

  /** One method on one seed against Retrain on that seed. */
  public record Row(
      String key,
      String label,
      int seed,
      OutputDistance forget,
      OutputDistance retain,
      OutputDistance test) {}

  /** One method's run on one seed. */
  private record Run(String key, String label, int seed) {}

  private final Map<Run, Outputs> byRun = new LinkedHashMap<>();
  private final Map<Integer, Outputs> retrainBySeed = new LinkedHashMap<>();

  void record(String key, String label, int seed, Outputs outputs) {
    if (key.equals(BenchMethod.RETRAIN)) {
      retrainBySeed.put(seed, outputs);
    } else {
      byRun.put(new Run(key, label, seed), outputs);
    }
  }

  /** Every recorded run but Retrain, against Retrain on its seed; empty without Retrain. */
  List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (var e : byRun.entrySet()) {
      Run run = e.getKey();
      Outputs retrain = retrainBySeed.get(run.seed());
      if (retrain == null) {
        continue;
      }
      Outputs o = e.getValue();
      rows.add(
          new Row(
              run.key(),
              run.label(),
              run.seed(),
              OutputDistance.between(o.forget(), retrain.forget()),
              OutputDistance.between(o.retain(), retrain.retain()),
              OutputDistance.between(o.test(), retrain.test())));
    }
    return rows;
  }

  /**
   * The Markdown table: per method, mean ± sample std over seeds of the agreement with Retrain and
   * the Jensen-Shannon divergence from it on forget, retain and test. Empty without Retrain.
   */
  public static String table(List<Row> rows) {
    if (rows.isEmpty()) {
      return "";
    }
    Map<String, List<Row>> byMethod = new LinkedHashMap<>();
    for (Row r : rows) {
      byMethod.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("## Distance to Retrain (same seed: same forget set and original)\n\n");
    sb.append(
        "| Method | Agreement: forget | Agreement: retain | Agreement: test | JS divergence:"
            + " forget | JS divergence: retain | JS divergence: test |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (List<Row> runs : byMethod.values()) {
      sb.append(String.format(Locale.ROOT, "| %s |", runs.get(0).label()));
      sb.append(cell(runs, Part.FORGET, true)).append(cell(runs, Part.RETAIN, true));
      sb.append(cell(runs, Part.TEST, true)).append(cell(runs, Part.FORGET, false));
      sb.append(cell(runs, Part.RETAIN, false)).append(cell(runs, Part.TEST, false));
      sb.append('\n');
    }
    Row first = rows.get(0);
    sb.append(
        String.format(
            Locale.ROOT,
            "%nMean ± sample std over seeds. Agreement: share of samples with the same predicted"
                + " class as Retrain; JS divergence: mean Jensen-Shannon divergence (nats, at most"
                + " ln 2 = 0.693) between the two models' softmax outputs. %d forget, %d retain"
                + " (the first of the seed's retain set), %d test samples.%n",
            first.forget().samples(),
            first.retain().samples(),
            first.test().samples()));
    return sb.toString();
  }

  private enum Part {
    FORGET,
    RETAIN,
    TEST
  }

  private static String cell(List<Row> runs, Part part, boolean agreement) {
    double[] values = new double[runs.size()];
    for (int i = 0; i < values.length; i++) {
      Row r = runs.get(i);
      OutputDistance d =
          switch (part) {
            case FORGET -> r.forget();
            case RETAIN -> r.retain();
            case TEST -> r.test();
          };
      values[i] = agreement ? d.agreement() : d.jsDivergence();
    }
    return " " + MeanStd.of(values).format(4) + " |";
  }
}
