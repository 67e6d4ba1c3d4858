package io.lethe.bench.unlearning.report;

import io.lethe.bench.unlearning.BenchMethod;
import io.lethe.bench.unlearning.DlfdVariant;
import io.lethe.bench.unlearning.MethodResult;
import io.lethe.cli.report.LossHistogramChart;
import io.lethe.engine.metrics.LabelledLoss;
import io.lethe.engine.metrics.PerSampleLossExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * figure3.png: the forget and unseen loss histograms of the Original, Retrain and DLFD on one seed.
 */
final class Figure3 {
  private Figure3() {}

  static void write(Path png, List<MethodResult> results, int seed) throws IOException {
    List<LossHistogramChart.Panel> panels = new ArrayList<>();
    for (String key : List.of(MethodResult.ORIGINAL, BenchMethod.RETRAIN, DlfdVariant.FULL.key())) {
      results.stream()
          .filter(r -> r.seed() == seed && r.key().equals(key))
          .findFirst()
          .ifPresent(
              r ->
                  panels.add(
                      new LossHistogramChart.Panel(
                          r.label() + " (seed " + seed + ")",
                          PerSampleLossExport.lossesOf(r.losses(), LabelledLoss.FORGET),
                          PerSampleLossExport.lossesOf(r.losses(), LabelledLoss.UNSEEN))));
    }
    if (!panels.isEmpty()) {
      LossHistogramChart.write(png, panels);
    }
  }
}
