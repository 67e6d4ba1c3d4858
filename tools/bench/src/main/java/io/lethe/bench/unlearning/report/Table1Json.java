package io.lethe.bench.unlearning.report;

import io.lethe.bench.unlearning.AggregatedRow;
import io.lethe.bench.unlearning.DynamicForgettingTrace;
import io.lethe.bench.unlearning.MethodResult;
import io.lethe.bench.unlearning.PairedDifference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The content of table1.json: the aggregated rows, the pairs with DLFD and every single run. */
final class Table1Json {
  private Table1Json() {}

  static Map<String, Object> of(List<MethodResult> results, List<PairedDifference> pairsWithDlfd) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", AggregatedRow.aggregate(results));
    json.put("pairedWithDlfd", pairsWithDlfd);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (MethodResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", r.key());
      m.put("seed", r.seed());
      m.put("testAccuracy", r.report().testAccuracy());
      m.put("testTop2Accuracy", r.report().testTop2Accuracy());
      m.put("forgetAccuracy", r.forgetAccuracy());
      m.put("unseenAccuracy", r.unseenAccuracy());
      m.put("mia", r.report().mia().accuracy());
      m.put("miaStd", r.report().mia().std());
      m.put("forgettingScore", r.report().forgettingScore());
      m.put("nomus", r.report().nomus());
      m.put("seconds", r.seconds());
      m.put("retainPasses", r.retainPasses());
      m.put("forgetPasses", r.forgetPasses());
      DynamicForgettingTrace t = r.dynamicForgetting();
      if (t.steps() > 0) {
        m.put("steps", t.steps());
        m.put("perturbedSteps", t.perturbedSteps());
        m.put("monitorInitialEstimate", finiteOrNull(t.initialEstimate()));
        m.put("monitorFinalEstimate", finiteOrNull(t.finalEstimate()));
        m.put("monitorSeconds", finiteOrNull(t.monitorSeconds()));
        m.put("monitorEstimates", t.monitorEstimates());
        m.put("perturbationSeconds", finiteOrNull(t.perturbationSeconds()));
      }
      if (t.guard().enabled()) {
        m.put("guard", t.guard());
      }
      m.put("settings", r.settings());
      runs.add(m);
    }
    json.put("runs", runs);
    return json;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
