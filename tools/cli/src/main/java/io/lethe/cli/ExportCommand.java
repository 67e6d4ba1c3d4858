package io.lethe.cli;

import io.lethe.engine.workflow.TorchScriptExport;
import io.lethe.format.checkpoint.CheckpointManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a checkpoint's model in a format other tools read. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a TorchScript checkpoint (imported, or unlearned from an imported one) as"
            + " model.pt (torch.jit.load reads it) and model.json (its descriptor).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "Checkpoint directory.")
  Path from;

  @Option(
      names = "--format",
      defaultValue = "torchscript",
      description = "Export format; only torchscript. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--out", required = true, description = "Directory to write the files into.")
  Path out;

  @Override
  public Integer call() {
    if (!"torchscript".equals(format)) {
      throw new IllegalArgumentException("--format must be torchscript, got '" + format + "'");
    }
    CheckpointManifest m = TorchScriptExport.export(from, out);
    System.out.printf(
        "exported %s (%s, forgot %d subjects) to %s and %s%n",
        m.id(),
        m.method(),
        m.forgottenSubjects().size(),
        out.resolve(TorchScriptExport.MODULE_FILE),
        out.resolve(TorchScriptExport.DESCRIPTOR_FILE));
    return 0;
  }
}
