package io.lethe.embedded;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.metrics.EvaluationReport;
import java.util.List;
import java.util.SortedSet;

/**
 * What one run of the pipeline produced.
 *
 * @param subjects the subjects the deletion event named
 * @param correlationId the id that followed the run through every topic
 * @param parent the registered version the run unlearned from
 * @param parentReport the parent measured on the run's forget set (same evaluator settings as the
 *     evaluator's, so the two rows are comparable)
 * @param parentSeconds how long training the parent took, NaN if it was loaded
 * @param result the worker's result
 * @param report the evaluator's report on the new version
 * @param version the new version as the registry has it (with its evaluation summary)
 * @param productionVersion where the {@code production} alias points after the run, as the registry
 *     service's API answers (-1: nowhere)
 * @param progressRecords {@code lethe.job-progress} records seen for the run
 */
public record PipelineRun(
    SortedSet<String> subjects,
    String correlationId,
    ModelVersionManifest parent,
    EvaluationReport parentReport,
    double parentSeconds,
    UnlearningResult result,
    EvaluationReportMessage report,
    ModelVersionManifest version,
    int productionVersion,
    int progressRecords) {

  public PipelineRun {
    subjects = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(subjects));
  }

  /** True when the new version passed its gates and is now in production. */
  public boolean promoted() {
    return report.passed() && productionVersion == version.version();
  }

  /** The gates and their outcomes. */
  public List<EvaluationReportMessage.Gate> gates() {
    return report.gates();
  }
}
