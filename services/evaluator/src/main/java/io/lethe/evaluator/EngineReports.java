package io.lethe.evaluator;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.metrics.MiaResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation report as it travels ({@link EvaluationReportMessage}) read back into the engine's
 * {@link EvaluationReport}, so the gates and the tables can work on a stored report as on a fresh
 * one. The message carries every attack's accuracy, split spread and seed spread, but per-split
 * accuracies for the loss attack only: the other attacks read as one split holding their mean.
 */
public final class EngineReports {
  private EngineReports() {}

  /**
   * @param members forget samples the attacks used
   * @param nonMembers unseen samples the attacks used
   */
  public static EvaluationReport of(EvaluationReportMessage m, int members, int nonMembers) {
    List<Double> splits = m.mia().perSplitAccuracy();
    MiaResult loss =
        new MiaResult(
            m.mia().accuracy(),
            m.mia().std(),
            splits == null || splits.isEmpty() ? List.of(m.mia().accuracy()) : splits,
            members,
            nonMembers,
            m.attacks() == null
                ? null
                : m.attacks().stream()
                    .filter(a -> a.name().equals(EvaluationReport.LOSS_ATTACK))
                    .findFirst()
                    .map(EvaluationReportMessage.Attack::seedStd)
                    .orElse(null));
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put(EvaluationReport.LOSS_ATTACK, loss);
    if (m.attacks() != null) {
      for (EvaluationReportMessage.Attack a : m.attacks()) {
        if (!a.name().equals(EvaluationReport.LOSS_ATTACK)) {
          attacks.put(
              a.name(),
              new MiaResult(
                  a.accuracy(), a.std(), List.of(a.accuracy()), members, nonMembers, a.seedStd()));
        }
      }
    }
    return new EvaluationReport(
        m.testAccuracy(), Math.max(m.testAccuracy(), m.testTop2Accuracy()), loss, attacks);
  }
}
