package io.lethe.cli.report;

import io.lethe.engine.metrics.EvaluationReport;

/**
 * One line of the results table: a model version and how it scores.
 *
 * @param name "Original", "Retrained", "DLFD", ...
 * @param report its evaluation
 * @param seconds wall time of the run that made it (training or unlearning), NaN if unknown
 */
public record ReportRow(String name, EvaluationReport report, double seconds) {}
