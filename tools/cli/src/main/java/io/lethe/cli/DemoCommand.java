package io.lethe.cli;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.options.DlfdOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.cli.report.ReportTable;
import io.lethe.cli.report.ResultsWriter;
import io.lethe.cli.report.ResultsWriter.NamedEvaluation;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole story on one machine, no servers: train an original model, forget subjects with DLFD,
 * retrain without them as the gold standard, and compare the three.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Train an original model, unlearn subjects with DLFD, retrain without them, and print"
            + " the comparison (Original / Retrained / DLFD). Runs on Fashion-MNIST by default.")
public final class DemoCommand implements Callable<Integer> {
  @Mixin DatasetOptions data;
  @Mixin TrainingOptions training;
  @Mixin DlfdOptions dlfd;
  @Mixin ForgetSubjectOptions forget;

  @Option(
      names = "--out",
      defaultValue = "runs/demo",
      description = "Output directory (replaced). Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  /** The models of one demo run and their evaluations, for callers that check them. */
  public record Result(List<NamedEvaluation> evaluations, Set<String> forgotten, Path out) {}

  private Result result;

  public Result result() {
    return result;
  }

  @Override
  public Integer call() throws Exception {
    if (forget.subjects.isEmpty() && forget.random == 0) {
      forget.random = 40;
    }
    clean(out);
    ProgressListener progress = new ConsoleProgress(!noProgress);
    DatasetSource source = data.toSource();
    ImageDataset dataset = source.load();
    Set<String> subjects = forget.resolve(dataset);
    ModelSpec spec = training.spec(dataset);
    System.out.printf(
        "dataset %s: %d images, %dx%d, %d classes; model %s; forgetting %d subjects%n",
        dataset.name(),
        dataset.size(),
        dataset.side(),
        dataset.side(),
        dataset.labelSchema().numOutputs(),
        spec.architecture().cliName(),
        subjects.size());

    Path originalDir = out.resolve("original");
    ModelLineage.Version original =
        ModelLineage.train(source, dataset, spec, training.recipe(), originalDir, progress);
    ModelLineage.UnlearnedVersion unlearned =
        ModelLineage.unlearn(
            originalDir, dataset, new Dlfd(dlfd.config()), subjects, out.resolve("dlfd"), progress);
    ModelLineage.Version retrained =
        ModelLineage.retrain(
            originalDir,
            dataset,
            spec,
            training.recipe(),
            subjects,
            out.resolve("retrained"),
            progress);

    CheckpointEvaluation evaluation =
        new CheckpointEvaluation(dataset, subjects, training.recipe().seed(), progress);
    List<NamedEvaluation> results = new ArrayList<>();
    results.add(evaluation.evaluate("Original", originalDir, original.seconds()));
    results.add(evaluation.evaluate("Retrained", retrained.directory(), retrained.seconds()));
    results.add(
        evaluation.evaluate(
            "DLFD", unlearned.version().directory(), unlearned.version().seconds()));
    ResultsWriter.write(out, results);
    System.out.println();
    System.out.print(ReportTable.markdown(results.stream().map(NamedEvaluation::row).toList()));
    System.out.printf(
        "%nDLFD perturbed %d of %d batches; its wall time was %.1f%% of retraining's.%n",
        unlearned.outcome().perturbedSteps(),
        unlearned.outcome().steps(),
        100 * unlearned.version().seconds() / retrained.seconds());
    System.out.println(
        "checkpoints, results.md, results.json, per-sample losses and loss-histograms.png in "
            + out.toAbsolutePath());
    result = new Result(results, subjects, out);
    return 0;
  }

  private static void clean(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    boolean previousDemo =
        Files.exists(dir.resolve("original")) || Files.exists(dir.resolve("results.md"));
    try (Stream<Path> entries = Files.list(dir)) {
      if (!previousDemo && entries.findAny().isPresent()) {
        throw new IllegalArgumentException(
            "--out " + dir + " exists and is not a previous demo's output: choose another folder");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + dir, e);
    }
  }
}
