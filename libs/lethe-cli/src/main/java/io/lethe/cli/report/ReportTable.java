package io.lethe.cli.report;

import java.util.List;
import java.util.Locale;

/** Renders results as a Markdown table, shaped like the DLFD paper's Table 1. */
public final class ReportTable {
  private ReportTable() {}

  public static String markdown(List<ReportRow> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| Model | Test acc | Top-2 acc | MIA acc (± std) | Forgetting score | NoMUS | Seconds |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (ReportRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f | %.4f ± %.4f | %.4f | %.4f | %s |%n",
              r.name(),
              r.report().testAccuracy(),
              r.report().testTop2Accuracy(),
              r.report().mia().accuracy(),
              r.report().mia().std(),
              r.report().forgettingScore(),
              r.report().nomus(),
              Double.isNaN(r.seconds()) ? "–" : String.format(Locale.ROOT, "%.1f", r.seconds())));
    }
    return sb.toString();
  }
}
