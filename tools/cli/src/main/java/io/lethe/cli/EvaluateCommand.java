package io.lethe.cli;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.cli.report.ReportTable;
import io.lethe.cli.report.ResultsWriter;
import io.lethe.cli.report.ResultsWriter.NamedEvaluation;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures checkpoints on the same forget set and prints the table. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Test accuracy, top-2, MIA, forgetting score and NoMUS of checkpoints; writes results.md,"
            + " results.json, per-sample losses (CSV) and loss-histograms.png.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(
      names = "--checkpoint",
      required = true,
      description = "NAME=DIR or DIR (repeat to compare models).")
  List<String> checkpoints;

  @Option(
      names = "--forget-subjects",
      split = ",",
      description =
          "Subjects whose forgetting is measured. Default: the subjects the checkpoints forgot.")
  Set<String> forgetSubjects = new TreeSet<>();

  @Option(
      names = "--out",
      defaultValue = "runs/evaluation",
      description = "Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the attack's splits. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    Set<String> forgotten = new TreeSet<>();
    CheckpointManifest first = null;
    for (String spec : checkpoints) {
      int eq = spec.indexOf('=');
      Path dir = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
      CheckpointManifest m = Checkpoints.readManifest(dir);
      names.add(eq > 0 ? spec.substring(0, eq) : dir.getFileName().toString());
      dirs.add(dir);
      forgotten.addAll(m.forgottenSubjects());
      if (first == null) {
        first = m;
      } else if (!first.dataset().fingerprint().equals(m.dataset().fingerprint())) {
        throw new IllegalArgumentException(
            "checkpoints " + dirs.get(0) + " and " + dir + " were trained on different datasets");
      }
    }
    Set<String> subjects = forgetSubjects.isEmpty() ? forgotten : forgetSubjects;
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException(
          "no checkpoint forgot anyone: say whose forgetting to measure with --forget-subjects");
    }
    ImageDataset dataset = ModelLineage.loadDatasetOf(first);
    System.out.println(DatasetSummary.of(dataset));
    CheckpointEvaluation evaluation =
        new CheckpointEvaluation(dataset, subjects, seed, new ConsoleProgress(!noProgress));
    List<NamedEvaluation> results = new ArrayList<>();
    for (int i = 0; i < dirs.size(); i++) {
      results.add(evaluation.evaluate(names.get(i), dirs.get(i), Double.NaN));
    }
    ResultsWriter.write(out, results);
    System.out.print(ReportTable.markdown(results.stream().map(NamedEvaluation::row).toList()));
    System.out.println("\nwritten to " + out.toAbsolutePath());
    return 0;
  }
}
