package io.lethe.embedded;

import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.ModelSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * The options of an original model's registration that {@link OriginalRegistration.Builder} and
 * {@link EmbeddedPipeline.Builder} share: the model id, the registry dataset id, where the original
 * comes from (a checkpoint, a TorchScript module, or trained with a recipe), and where progress and
 * status lines go.
 *
 * @param <B> the builder, returned by every option for chaining
 */
public abstract class OriginalSettings<B extends OriginalSettings<B>> {
  String modelId = "demo-small-cnn";
  String datasetId;
  Path original;
  Path torchScript;
  Path torchScriptDescriptor;
  TrainingRecipe recipe = TrainingRecipe.builder().build();
  Function<ImageDataset, ModelSpec> spec = EmbeddedPipeline::smallCnn;
  ProgressListener progress = ProgressListener.NONE;
  PrintStream log = System.out;

  OriginalSettings() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** The registry's model id (default {@code demo-small-cnn}). */
  public B optModelId(String modelId) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    return self();
  }

  /**
   * The registry dataset id the data is uploaded under (default, or {@code null}: {@code <dataset
   * name>-<run id>}, a fresh dataset per run, so tombstones of an earlier run on the same bucket do
   * not make this run's subjects unknown). Uploading the same data under an existing id is a no-op;
   * other data under it is refused.
   */
  public B optDatasetId(String datasetId) {
    this.datasetId = datasetId;
    return self();
  }

  /** Registers this checkpoint directory instead of training an original. */
  public B optOriginal(Path checkpointDir) {
    this.original = checkpointDir;
    return self();
  }

  /**
   * Imports the user's TorchScript {@code module} ({@code torch.jit.script/trace} output) with its
   * JSON {@code descriptor} as the original instead of training one; see {@link
   * io.lethe.engine.workflow.TorchScriptImport}.
   */
  public B optTorchScript(Path module, Path descriptor) {
    this.torchScript = Objects.requireNonNull(module, "module");
    this.torchScriptDescriptor = Objects.requireNonNull(descriptor, "descriptor");
    return self();
  }

  /** How the original is trained (default: a small CNN with the engine's default recipe). */
  public B optTraining(TrainingRecipe recipe, Function<ImageDataset, ModelSpec> spec) {
    this.recipe = Objects.requireNonNull(recipe, "recipe");
    this.spec = Objects.requireNonNull(spec, "spec");
    return self();
  }

  /** Where training progress (and a pipeline job's progress) is shown (default: nowhere). */
  public B optProgress(ProgressListener progress) {
    this.progress = Objects.requireNonNull(progress, "progress");
    return self();
  }

  /** Where one-line status messages go (default standard output). */
  public B optLog(PrintStream log) {
    this.log = Objects.requireNonNull(log, "log");
    return self();
  }

  /** Copies these options onto {@code other}, another builder of the same original. */
  final <T extends OriginalSettings<T>> T copyTo(T other) {
    other.modelId = modelId;
    other.datasetId = datasetId;
    other.original = original;
    other.torchScript = torchScript;
    other.torchScriptDescriptor = torchScriptDescriptor;
    other.recipe = recipe;
    other.spec = spec;
    other.progress = progress;
    other.log = log;
    return other;
  }
}
