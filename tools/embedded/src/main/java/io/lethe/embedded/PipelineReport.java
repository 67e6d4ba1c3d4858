package io.lethe.embedded;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.UnlearningResult;
import io.lethe.cli.report.ReportRow;
import io.lethe.cli.report.ReportTable;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import io.lethe.evaluator.EngineReports;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a run: the parent-vs-new table, the gates, the new version's manifest (with its dataset
 * revision), where {@code production} points according to the registry's API, the registry's URLs
 * and every service's metrics URL.
 */
public final class PipelineReport {
  private PipelineReport() {}

  /** The evaluator's report as the engine's record, so the CLI's table can render it. */
  public static EvaluationReport engineReport(EvaluationReportMessage m, MiaResult sameSplit) {
    return EngineReports.of(m, sameSplit.memberCount(), sameSplit.nonMemberCount());
  }

  /**
   * @param reference the original retrained without the run's subjects, printed as a third row
   *     (null: none was asked for)
   * @param registryApi the registry service's API root, e.g. {@code http://127.0.0.1:8084}
   * @param metricsUrls {@code /metrics} URL per service
   * @param tokensFile where the run's API tokens are (only the path is printed)
   */
  public static void print(
      PrintStream out,
      PipelineRun run,
      EmbeddedPipeline.RetrainedReference reference,
      String registryApi,
      Map<String, String> metricsUrls,
      java.util.Optional<java.nio.file.Path> tokensFile) {
    EvaluationReportMessage report = run.report();
    ModelVersionManifest v = run.version();
    out.println();
    out.printf(
        Locale.ROOT,
        "Evaluation of %s v%d against its parent v%d on the %d forgotten subject(s):%n%n",
        v.modelId(),
        v.version(),
        run.parent().version(),
        run.subjects().size());
    List<ReportRow> rows = new ArrayList<>();
    rows.add(
        new ReportRow(
            "v" + run.parent().version() + " (parent)", run.parentReport(), run.parentSeconds()));
    rows.add(
        new ReportRow(
            "v" + v.version() + " (" + v.method().name().toLowerCase(Locale.ROOT) + ")",
            engineReport(report, run.parentReport().mia()),
            run.result() == null ? Double.NaN : run.result().seconds()));
    if (reference != null) {
      rows.add(new ReportRow("retrained (reference)", reference.report(), reference.seconds()));
    }
    out.print(ReportTable.markdown(rows));
    printNoise(
        out,
        run.parentReport(),
        engineReport(report, run.parentReport().mia()),
        reference == null ? null : reference.report());
    if (run.result() != null && run.result().guard() != null) {
      out.printf("%n%s%n", guardLine(run.result().guard()));
    }
    out.printf("%nGates (%s):%n", report.passed() ? "passed" : "FAILED");
    for (EvaluationReportMessage.Gate g : report.gates()) {
      out.printf("  %s %-20s %s%n", mark(g), g.name(), g.detail() == null ? "" : g.detail());
    }
    out.printf("%nRegistry: %s v%d%n", v.modelId(), v.version());
    out.printf("  parent             v%s%n", v.parentVersion());
    out.printf("  method             %s%n", v.method());
    out.printf(
        "  subjects forgotten %d %s%n",
        v.subjectsForgotten().size(), abbreviate(v.subjectsForgotten()));
    out.printf("  forget requests    %s%n", v.forgetRequestIds());
    out.printf("  checkpoint         %s%n", v.checkpointUri());
    out.printf(
        "  dataset            %s revision %s (the forgotten subjects tombstoned)%n",
        v.datasetId(), v.datasetRevision());
    for (ModelVersionManifest.StoredObject o : v.objects()) {
      out.printf("  %-18s sha256 %s (%d bytes)%n", o.key(), o.sha256(), o.bytes());
    }
    out.printf(
        "  production         v%d%s%n",
        run.productionVersion(),
        run.promoted() ? " (promoted by the registry service: gates passed)" : " (not promoted)");
    String model = registryApi + "/v1/models/" + v.modelId();
    out.printf("%nRegistry API:%n");
    out.printf("  models             %s/v1/models%n", registryApi);
    out.printf("  versions           %s/versions%n", model);
    out.printf("  new version        %s/versions/%d%n", model, v.version());
    out.printf("  its evaluation     %s/versions/%d/report%n", model, v.version());
    out.printf("  production alias   %s/aliases/production%n", model);
    tokensFile.ifPresent(f -> out.printf("  (Authorization: Bearer <the read token in %s>)%n", f));
    out.printf("%nMetrics:%n");
    metricsUrls.forEach((service, url) -> out.printf("  %-10s %s%n", service, url));
  }

  /**
   * One line on what the table's forgetting scores mean against the attack's noise: the parent's
   * signal in units of noise, the new version's drop in units of the noise of a difference, and the
   * reference's score when there is one (all on the new version's strongest attack).
   */
  static void printNoise(
      PrintStream out,
      EvaluationReport parentReport,
      EvaluationReport child,
      EvaluationReport reference) {
    String attack = child.strongestAttack();
    MiaResult parent = parentReport.attacks().get(attack);
    if (parent == null) {
      return;
    }
    MiaResult now = child.attacks().get(attack);
    double pair = Math.sqrt(parent.noise() * parent.noise() + now.noise() * now.noise());
    out.printf(
        Locale.ROOT,
        "%nForgetting on the strongest attack (%s), noise = max(sd across splits, sd across"
            + " seeds):%n  parent %.4f ± %.4f = %.1f× its noise; new %.4f ± %.4f; drop %.4f ="
            + " %.1f× the noise of the difference (%.4f)%n",
        attack,
        parent.forgettingScore(),
        parent.noise(),
        parent.forgettingScore() / Math.max(parent.noise(), 1e-9),
        now.forgettingScore(),
        now.noise(),
        parent.forgettingScore() - now.forgettingScore(),
        (parent.forgettingScore() - now.forgettingScore()) / Math.max(pair, 1e-9),
        pair);
    if (reference != null && reference.attacks().containsKey(attack)) {
      MiaResult r = reference.attacks().get(attack);
      out.printf(
          Locale.ROOT,
          "  retrained reference %.4f ± %.4f: the score of a model that never saw them%n",
          r.forgettingScore(),
          r.noise());
    }
  }

  /** What the worker's utility guard decided, in one line. */
  static String guardLine(UnlearningResult.Guard g) {
    return String.format(
        Locale.ROOT,
        "Utility guard: %d check(s), %d brake(s)%s on %d retain samples held out; accuracy there"
            + " %.4f (parent %.4f, margin %.2f): %s",
        g.checks(),
        g.brakes(),
        g.stopped() ? ", stopped" : "",
        g.sliceSize(),
        g.finalAccuracy(),
        g.parentAccuracy(),
        g.margin(),
        g.reason());
  }

  private static String abbreviate(List<String> ids) {
    if (ids.size() <= 8) {
      return ids.toString();
    }
    return "[" + String.join(", ", ids.subList(0, 8)) + ", ... +" + (ids.size() - 8) + "]";
  }

  /**
   * "ok", "FAIL", or "n/m" for a gate passed only because the attack cannot measure at this size.
   */
  private static String mark(EvaluationReportMessage.Gate g) {
    if (!g.passed()) {
      return "FAIL";
    }
    return g.detail() != null && g.detail().contains("not measurable at this size")
        ? "n/m "
        : "ok  ";
  }
}
