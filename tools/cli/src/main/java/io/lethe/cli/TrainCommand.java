package io.lethe.cli;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains an original model. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train an original model on every training subject and save a checkpoint.")
final class TrainCommand implements Callable<Integer> {
  @Mixin DatasetOptions data;
  @Mixin TrainingOptions training;

  @Option(names = "--out", required = true, description = "Checkpoint directory to create.")
  Path out;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    DatasetSource source = data.toSource();
    ImageDataset dataset = source.load();
    System.out.println(DatasetSummary.of(dataset));
    ModelLineage.Version v =
        ModelLineage.train(
            source,
            dataset,
            training.spec(dataset),
            training.recipe(),
            out,
            new ConsoleProgress(!noProgress));
    System.out.printf(
        "saved %s (%s, %.1f s) to %s%n",
        v.manifest().id(), v.manifest().architecture(), v.seconds(), v.directory());
    return 0;
  }
}
