package io.lethe.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.engine.evaluation.UnlearningEvaluator.Evaluation;
import io.lethe.engine.metrics.LabelledLoss;
import io.lethe.engine.metrics.PerSampleLossExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an evaluation's results where a person and a script can both use them: the Markdown table,
 * the reports as JSON, every per-sample loss as CSV (to re-check the attack elsewhere), and the
 * loss-histogram figure.
 */
public final class ResultsWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsWriter() {}

  /** A named evaluation and the wall time of the run that produced the model. */
  public record NamedEvaluation(String name, Evaluation evaluation, double seconds) {
    public ReportRow row() {
      return new ReportRow(name, evaluation.report(), seconds);
    }
  }

  /** Writes everything under {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, List<NamedEvaluation> evaluations) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    List<ReportRow> rows = evaluations.stream().map(NamedEvaluation::row).toList();

    Path table = dir.resolve("results.md");
    Files.writeString(table, ReportTable.markdown(rows));
    written.add(table);

    Map<String, Object> json = new LinkedHashMap<>();
    for (NamedEvaluation e : evaluations) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("report", JSON.readTree(e.evaluation().report().toJson()));
      entry.put("seconds", Double.isNaN(e.seconds()) ? null : e.seconds());
      json.put(e.name(), entry);
    }
    Path report = dir.resolve("results.json");
    JSON.writeValue(report.toFile(), json);
    written.add(report);

    List<LossHistogramChart.Panel> panels = new ArrayList<>();
    for (NamedEvaluation e : evaluations) {
      Path csv = dir.resolve("losses-" + slug(e.name()) + ".csv");
      PerSampleLossExport.writeCsv(csv, e.evaluation().losses());
      written.add(csv);
      panels.add(
          new LossHistogramChart.Panel(
              e.name(),
              PerSampleLossExport.lossesOf(e.evaluation().losses(), LabelledLoss.FORGET),
              PerSampleLossExport.lossesOf(e.evaluation().losses(), LabelledLoss.UNSEEN)));
    }
    Path png = dir.resolve("loss-histograms.png");
    LossHistogramChart.write(png, panels);
    written.add(png);
    return written;
  }

  static String slug(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
