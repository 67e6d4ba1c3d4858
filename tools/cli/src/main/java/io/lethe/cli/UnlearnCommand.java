package io.lethe.cli;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DlfdOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Makes a new model version that has forgotten subjects. */
@Command(
    name = "unlearn",
    mixinStandardHelpOptions = true,
    description =
        "Derive a model version that forgets subjects, by DLFD or by retraining from scratch.")
final class UnlearnCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "Parent checkpoint directory.")
  Path from;

  @Option(
      names = "--method",
      defaultValue = "dlfd",
      description = "dlfd or retrain. Default: ${DEFAULT-VALUE}.")
  String method;

  @Mixin ForgetSubjectOptions forget;
  @Mixin DlfdOptions dlfd;
  @Mixin TrainingOptions training;

  @Option(names = "--out", required = true, description = "Checkpoint directory to create.")
  Path out;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    CheckpointManifest parent = Checkpoints.readManifest(from);
    ImageDataset dataset = ModelLineage.loadDatasetOf(parent);
    System.out.println(DatasetSummary.of(dataset));
    Set<String> subjects = forget.resolve(dataset);
    ConsoleProgress progress = new ConsoleProgress(!noProgress);
    switch (method.toLowerCase(Locale.ROOT)) {
      case "dlfd" -> {
        ModelLineage.UnlearnedVersion v =
            ModelLineage.unlearn(from, dataset, new Dlfd(dlfd.config()), subjects, out, progress);
        System.out.printf(
            "saved %s (dlfd, %.1f s, %d/%d steps perturbed, forgetting score estimate %.3f ->"
                + " %.3f) to %s%n",
            v.version().manifest().id(),
            v.outcome().seconds(),
            v.outcome().perturbedSteps(),
            v.outcome().steps(),
            v.outcome().initialForgettingScore(),
            v.outcome().finalForgettingScore(),
            out);
        System.out.println("utility guard: " + v.outcome().guard().summary());
      }
      case "retrain" -> {
        ModelLineage.Version v =
            ModelLineage.retrain(
                from, dataset, parent.modelSpec(), training.recipe(), subjects, out, progress);
        System.out.printf(
            "saved %s (retrain, %.1f s) to %s%n", v.manifest().id(), v.seconds(), out);
      }
      default ->
          throw new IllegalArgumentException(
              "--method must be dlfd or retrain, got '" + method + "'");
    }
    return 0;
  }
}
