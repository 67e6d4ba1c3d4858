package io.lethe.engine.workflow;

import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.model.ModelFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports a TorchScript checkpoint as {@value #MODULE_FILE} (the module, which {@code
 * torch.jit.load} reads, in eval mode) and {@value #DESCRIPTOR_FILE} (its descriptor, the same
 * format the import takes), so an unlearned version goes back to where the model came from.
 */
public final class TorchScriptExport {
  public static final String MODULE_FILE = "model.pt";
  public static final String DESCRIPTOR_FILE = "model.json";

  private TorchScriptExport() {}

  /**
   * Verifies the checkpoint in {@code checkpointDir} (hash, and that the module loads) and writes
   * its module and descriptor into {@code outDir}.
   *
   * @return the checkpoint's manifest
   * @throws UnsupportedOperationException for a checkpoint of an engine-built network
   */
  public static CheckpointManifest export(Path checkpointDir, Path outDir) {
    CheckpointManifest manifest = Checkpoints.readManifest(checkpointDir);
    if (manifest.modelFormat() != ModelFormat.TORCHSCRIPT) {
      throw new UnsupportedOperationException(
          "checkpoint "
              + manifest.id()
              + " is a "
              + manifest.architecture()
              + " network in the engine's own format: only TorchScript models (imported with"
              + " lethe import --torchscript, and versions unlearned from them) export as"
              + " TorchScript");
    }
    try (LoadedCheckpoint loaded = Checkpoints.load(checkpointDir)) {
      byte[] module = Files.readAllBytes(checkpointDir.resolve(Checkpoints.PARAMETERS_FILE));
      loaded.manifest().verifyParameters(module);
      Files.createDirectories(outDir);
      Files.write(outDir.resolve(MODULE_FILE), module);
      Files.writeString(
          outDir.resolve(DESCRIPTOR_FILE),
          manifest.torchScriptDescriptor().toJson(),
          StandardCharsets.UTF_8);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("could not export to " + outDir + ": " + e.getMessage(), e);
    }
  }
}
