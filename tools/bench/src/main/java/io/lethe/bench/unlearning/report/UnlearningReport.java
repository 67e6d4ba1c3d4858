package io.lethe.bench.unlearning.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.bench.unlearning.AggregatedRow;
import io.lethe.bench.unlearning.BenchmarkTables;
import io.lethe.bench.unlearning.DlfdVariant;
import io.lethe.bench.unlearning.MethodResult;
import io.lethe.bench.unlearning.PairedDifference;
import io.lethe.bench.unlearning.RetrainDistances;
import io.lethe.bench.unlearning.UnlearningPlan;
import io.lethe.bench.unlearning.UnlearningRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the results of an {@code unlearning} run under its output directory: table1.md (Table 1
 * with the pairs with DLFD, the guard's decisions and the distances to Retrain), table3.md,
 * table1.json, retrain-distance.json (with Retrain), figure3.png and run.json; then prints Table 1.
 */
public final class UnlearningReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final UnlearningPlan plan;
  private final UnlearningRun run;

  public UnlearningReport(UnlearningPlan plan, UnlearningRun run) {
    this.plan = plan;
    this.run = run;
  }

  /**
   * @param rows the aggregated rows of the run
   * @param commandLine the command as typed, recorded in run.json
   * @param totalSeconds the whole run's wall time
   */
  public void write(List<AggregatedRow> rows, String commandLine, double totalSeconds)
      throws IOException {
    Path dir = plan.dir();
    List<MethodResult> results = run.results();
    List<String> footer = ReportFooter.lines(plan, run);
    String title =
        String.format(
            Locale.ROOT,
            "Unlearning benchmark: %s × %s",
            plan.dataset().name(),
            plan.spec().architecture().cliName());
    List<PairedDifference> pairsWithDlfd =
        PairedDifference.against(DlfdVariant.FULL.key(), results);
    String paired = BenchmarkTables.pairedTable(DlfdVariant.FULL.label(), pairsWithDlfd);
    List<RetrainDistances.Row> retrainRows = run.retrainRows();
    String retrainTable = RetrainDistances.table(retrainRows);
    String guard = BenchmarkTables.guardTable(results);
    String table1 =
        BenchmarkTables.table1(title + " (Table 1)", rows, footer)
            + (paired.isEmpty() ? "" : "\n" + paired)
            + (guard.isEmpty() ? "" : "\n" + guard)
            + (retrainTable.isEmpty() ? "" : "\n" + retrainTable);
    Files.writeString(dir.resolve("table1.md"), table1);
    Files.writeString(
        dir.resolve("table3.md"),
        BenchmarkTables.table3(title + " — DLFD ablation (Table 3)", rows, footer));
    JSON.writeValue(dir.resolve("table1.json").toFile(), Table1Json.of(results, pairsWithDlfd));
    if (!retrainRows.isEmpty()) {
      JSON.writeValue(dir.resolve("retrain-distance.json").toFile(), retrainRows);
    }
    Figure3.write(dir.resolve("figure3.png"), results, plan.firstSeed());
    RunJson.write(JSON, dir.resolve("run.json"), commandLine, plan, run, totalSeconds);
    System.out.println();
    System.out.print(table1);
    System.out.println("\nwritten to " + dir.toAbsolutePath());
  }
}
