package io.lethe.cli.report;

import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders results as a Markdown table, shaped like the DLFD paper's Table 1 (its MIA is the loss
 * attack), followed by one column per other membership-inference attack the reports hold and the
 * strongest attack with its forgetting score and noise (the larger of the attack's spread across
 * splits and across seeds: what the gates compare a score and a drop against).
 */
public final class ReportTable {
  private ReportTable() {}

  public static String markdown(List<ReportRow> rows) {
    Set<String> others = new LinkedHashSet<>();
    for (ReportRow r : rows) {
      r.report().attacks().keySet().stream()
          .filter(name -> !name.equals(EvaluationReport.LOSS_ATTACK))
          .forEach(others::add);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| Model | Test acc | Top-2 acc | MIA acc (± std) | Forgetting score | NoMUS | Seconds |");
    StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|---:|---:|");
    if (!others.isEmpty()) {
      for (String name : others) {
        sb.append(" MIA acc: ").append(name).append(" |");
        rule.append("---:|");
      }
      sb.append(" Strongest attack: forgetting score ± noise |");
      rule.append("---|");
    }
    sb.append('\n').append(rule).append('\n');
    for (ReportRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f | %s | %.4f | %.4f | %s |",
              r.name(),
              r.report().testAccuracy(),
              r.report().testTop2Accuracy(),
              accuracy(r.report().mia()),
              r.report().forgettingScore(),
              r.report().nomus(),
              Double.isNaN(r.seconds()) ? "–" : String.format(Locale.ROOT, "%.1f", r.seconds())));
      if (!others.isEmpty()) {
        for (String name : others) {
          MiaResult attack = r.report().attacks().get(name);
          sb.append(' ').append(attack == null ? "–" : accuracy(attack)).append(" |");
        }
        sb.append(
            String.format(
                Locale.ROOT,
                " %s %.4f ± %.4f |",
                r.report().strongestAttack(),
                r.report().strongest().forgettingScore(),
                r.report().strongest().noise()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String accuracy(MiaResult attack) {
    return String.format(Locale.ROOT, "%.4f ± %.4f", attack.accuracy(), attack.std());
  }
}
