package io.lethe.cli;

import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.engine.workflow.TorchScriptImport;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Makes an original checkpoint from the user's TorchScript classifier. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Bring your own model: save a TorchScript image classifier (torch.jit.script/trace"
            + " output) and its JSON descriptor as an original checkpoint on a dataset, to"
            + " unlearn, evaluate and export like a trained one.")
final class ImportCommand implements Callable<Integer> {
  @Option(
      names = "--torchscript",
      required = true,
      description = "The module file saved by torch.jit.save / ScriptModule.save (.pt).")
  Path module;

  @Option(
      names = "--descriptor",
      required = true,
      description =
          "JSON: input channels/height/width, normalization mean/std, labels in output order,"
              + " optional featuresOutput (see docs/torchscript.md).")
  Path descriptor;

  @Mixin DatasetOptions data;

  @Option(names = "--out", required = true, description = "Checkpoint directory to create.")
  Path out;

  @Override
  public Integer call() throws Exception {
    DatasetSource source = data.toSource();
    ImageDataset dataset = source.load();
    System.out.println(DatasetSummary.of(dataset));
    ModelLineage.Version v =
        TorchScriptImport.importModel(source, dataset, module, descriptor, out, null);
    System.out.printf(
        "saved %s (torchscript, imported from %s) to %s%n",
        v.manifest().id(), module.getFileName(), v.directory());
    return 0;
  }
}
