package io.lethe.engine.workflow;

import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.model.TorchScriptClassifiers;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.TorchScriptDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes an original checkpoint from a user's TorchScript classifier instead of training one: the
 * "bring your own model" entry of a lineage. The checkpoint has format {@code torchscript}, so
 * every version unlearned from it is a TorchScript module too.
 */
public final class TorchScriptImport {
  /** The method a checkpoint made by an import records. */
  public static final String METHOD = "import";

  private TorchScriptImport() {}

  /**
   * Loads {@code module} with {@code descriptor}, checks they fit {@code dataset} (channels, side,
   * labels in the same order) and saves an original checkpoint in {@code out}.
   *
   * @throws IllegalArgumentException if the module or descriptor is unusable or does not fit the
   *     dataset
   */
  public static ModelLineage.Version importModel(
      DatasetSource source,
      ImageDataset dataset,
      Path module,
      Path descriptor,
      Path out,
      ComputeDevice device) {
    long start = System.nanoTime();
    try (Classifier model =
        TorchScriptClassifiers.load(module, descriptor, device == null ? null : device.toDjl())) {
      TorchScriptDescriptor d = model.torchScriptDescriptor().orElseThrow();
      requireFits(d, dataset);
      Map<String, Object> hp = new LinkedHashMap<>();
      hp.put("module", module.getFileName().toString());
      hp.put("moduleSha256", Sha256.of(read(module)));
      CheckpointManifest manifest =
          Checkpoints.save(
              out,
              model,
              CheckpointManifest.builder(
                      METHOD, CheckpointManifest.Dataset.of(dataset, source.toMap()))
                  .optHyperparameters(hp));
      return new ModelLineage.Version(manifest, out, (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Throws, naming what differs, unless a model with {@code d} can be unlearned on {@code data}.
   */
  public static void requireFits(TorchScriptDescriptor d, ImageDataset data) {
    if (d.channels() != data.channels() || d.side() != data.side()) {
      throw new IllegalArgumentException(
          "the TorchScript descriptor's input is "
              + d.channels()
              + "x"
              + d.side()
              + "x"
              + d.side()
              + " but dataset "
              + data.name()
              + " has "
              + data.channels()
              + "x"
              + data.side()
              + "x"
              + data.side()
              + " images");
    }
    if (!d.labels().equals(data.labelSchema())) {
      throw new IllegalArgumentException(
          "the TorchScript descriptor's labels "
              + d.labels().names()
              + (d.labels().multiLabel() ? " (multi-label)" : "")
              + " are not dataset "
              + data.name()
              + "'s labels "
              + data.labelSchema().names()
              + (data.labelSchema().multiLabel() ? " (multi-label)" : "")
              + " in the same order");
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
