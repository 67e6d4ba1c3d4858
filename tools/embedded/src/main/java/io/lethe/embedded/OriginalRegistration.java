package io.lethe.embedded;

import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.engine.workflow.TorchScriptImport;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.ModelSpec;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.DatasetDescriptor;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * An original model put into the registry the way the services expect it: the dataset uploaded as a
 * snapshot ({@link DatasetStore}, revision 0, in the registry's bucket: the worker materialises it
 * and the intake resolves subjects against it through the manifest's dataset id), the original
 * trained on it (or loaded from a checkpoint) stored as a {@link Method#TRAIN} version naming that
 * dataset, and the {@code production} alias set on it, the operator's one promotion. "Bring your
 * own model": with {@link Builder#optTorchScript} the original is the user's TorchScript module,
 * imported instead of trained and stored as a {@link Method#IMPORT} version of format {@code
 * torchscript}; every version unlearned from it is a TorchScript module too.
 *
 * <p>{@link #registerIfAbsent()} is the idempotent seed: nothing is loaded, uploaded or trained
 * when the model already has a production version. No Kafka, no services.
 *
 * <pre>{@code
 * OriginalRegistration.Result r =
 *     OriginalRegistration.builder(store, datasets, source, workDir)
 *         .optModelId("fashion-demo")
 *         .build()
 *         .registerIfAbsent();
 * }</pre>
 *
 * Blocking (S3 and training): call it from a plain thread.
 */
public final class OriginalRegistration {
  /** The alias the services serve and promote. */
  public static final String ALIAS = RegistrySettings.DEFAULT_ALIAS;

  /** What {@link #registerIfAbsent()} found or did. */
  public enum Outcome {
    /** Uploaded, trained or loaded, registered and aliased now. */
    REGISTERED,
    /** The model's original was registered by an earlier run that stopped before the alias. */
    ALIAS_SET,
    /** The model already had a production version: nothing changed. */
    ALREADY_REGISTERED
  }

  /**
   * @param version the production version
   * @param datasetId the registry dataset it names
   * @param originalDir the checkpoint registered by this run (empty when nothing was registered)
   * @param trainingSeconds training (or TorchScript import) time of this run (NaN when neither
   *     happened here)
   */
  public record Result(
      Outcome outcome,
      ModelVersionManifest version,
      String datasetId,
      Optional<Path> originalDir,
      double trainingSeconds) {
    public Result {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(datasetId, "datasetId");
      Objects.requireNonNull(originalDir, "originalDir");
    }
  }

  private final ModelStore store;
  private final DatasetStore datasets;
  private final DatasetSource source;
  private final Path workDir;
  private final String modelId;
  private final String runId;
  private final String datasetId;
  private final Path original;
  private final Path torchScript;
  private final Path torchScriptDescriptor;
  private final TrainingRecipe recipe;
  private final Function<ImageDataset, ModelSpec> spec;
  private final ProgressListener progress;
  private final PrintStream log;

  private OriginalRegistration(Builder b) {
    this.store = b.store;
    this.datasets = b.datasets;
    this.source = b.source;
    this.workDir = b.workDir;
    this.modelId = b.modelId;
    this.runId = b.runId;
    this.datasetId = b.datasetId;
    this.original = b.original;
    this.torchScript = b.torchScript;
    this.torchScriptDescriptor = b.torchScriptDescriptor;
    this.recipe = b.recipe;
    this.spec = b.spec;
    this.progress = b.progress;
    this.log = b.log;
  }

  /**
   * @param store the registry's models
   * @param datasets the registry's datasets (the bucket the services read datasets from: {@code
   *     S3_DATASET_BUCKET}, by default the models' bucket)
   * @param source the data the original is trained on and the snapshot is made of
   * @param workDir a trained original goes to {@code run-<run id>/original}
   */
  public static Builder builder(
      ModelStore store, DatasetStore datasets, DatasetSource source, Path workDir) {
    return new Builder(store, datasets, source, workDir);
  }

  public String modelId() {
    return modelId;
  }

  /**
   * The model's production version, if it has one.
   *
   * @throws IllegalArgumentException if that version names no registry dataset (the intake could
   *     not resolve its subjects, the worker not materialise its data)
   */
  public Optional<ModelVersionManifest> production() {
    Optional<AliasHistory> production = store.aliasHistory(modelId, ALIAS);
    if (production.isEmpty()) {
      return Optional.empty();
    }
    ModelVersionManifest m = store.manifest(modelId, production.get().current());
    if (m.datasetId() == null) {
      throw new IllegalArgumentException(
          "model "
              + modelId
              + " v"
              + m.version()
              + " in bucket "
              + store.bucket()
              + " names no registry dataset: choose another model id or bucket");
    }
    return Optional.of(m);
  }

  /**
   * Registers the original unless the model already has a production version; loads the data only
   * when it registers. A model with versions but no alias is finished when its latest version is an
   * original naming a registry dataset (an earlier run stopped between storing and aliasing it).
   *
   * @throws PipelineException if the model has versions, none aliased, and the latest is not such
   *     an original (an operator decides which one to serve)
   */
  public Result registerIfAbsent() throws IOException, PipelineException {
    Optional<ModelVersionManifest> production = production();
    if (production.isPresent()) {
      ModelVersionManifest m = production.get();
      log.printf(
          "registry: %s already registered, %s v%d (dataset %s) in bucket %s: nothing changed%n",
          modelId, ALIAS, m.version(), m.datasetId(), store.bucket());
      return new Result(Outcome.ALREADY_REGISTERED, m, m.datasetId(), Optional.empty(), Double.NaN);
    }
    List<Integer> versions = store.versions(modelId);
    if (!versions.isEmpty()) {
      ModelVersionManifest latest = store.manifest(modelId, versions.get(versions.size() - 1));
      if ((latest.method() != Method.TRAIN && latest.method() != Method.IMPORT)
          || latest.parentVersion() != null
          || latest.datasetId() == null) {
        throw new PipelineException(
            "model "
                + modelId
                + " has versions "
                + versions
                + " in bucket "
                + store.bucket()
                + " but no "
                + ALIAS
                + " alias, and v"
                + latest.version()
                + " is not a registered original: set the alias with the registry API (PUT"
                + " /v1/models/"
                + modelId
                + "/aliases/"
                + ALIAS
                + ") or choose another model id");
      }
      store.promote(modelId, ALIAS, latest.version());
      log.printf(
          "registry: %s v%d was registered by an earlier run without its alias: %s set (dataset"
              + " %s)%n",
          modelId, latest.version(), ALIAS, latest.datasetId());
      return new Result(
          Outcome.ALIAS_SET, latest, latest.datasetId(), Optional.empty(), Double.NaN);
    }
    return register(source.load());
  }

  /**
   * Uploads {@code dataset} (loaded from this registration's source), trains or loads the original,
   * stores it as the model's next version naming the dataset and points {@code production} at it,
   * whatever the model already has.
   */
  public Result register(ImageDataset dataset) throws IOException {
    String id = datasetId != null ? datasetId : runDatasetId(dataset, runId);
    uploadDataset(dataset, id);
    Path originalDir;
    double seconds = Double.NaN;
    if (original != null) {
      originalDir = original;
      CheckpointManifest m = Checkpoints.readManifest(originalDir);
      if (!m.dataset().fingerprint().equals(dataset.fingerprint())) {
        throw new IllegalArgumentException(
            "--original "
                + original
                + " was trained on dataset "
                + m.dataset().fingerprint()
                + ", not on the selected "
                + dataset.fingerprint()
                + ": choose the dataset options it was trained with");
      }
      log.printf("original: loaded %s%n", original);
    } else if (torchScript != null) {
      originalDir = workDir.resolve("run-" + runId).resolve("original");
      ModelLineage.Version imported =
          TorchScriptImport.importModel(
              source, dataset, torchScript, torchScriptDescriptor, originalDir, null);
      seconds = imported.seconds();
      log.printf(
          "original: imported TorchScript module %s, saved to %s (reuse it with --original)%n",
          torchScript, originalDir);
    } else {
      // One directory per run: a checkpoint is never overwritten, and an earlier run's original
      // stays reusable with --original.
      originalDir = workDir.resolve("run-" + runId).resolve("original");
      ModelSpec modelSpec = spec.apply(dataset);
      log.printf(
          "original: training %s on %s (%d images, %d epochs)%n",
          modelSpec.architecture().cliName(), dataset.name(), dataset.size(), recipe.epochs());
      seconds =
          ModelLineage.train(source, dataset, modelSpec, recipe, originalDir, progress).seconds();
      log.printf("original: saved to %s (reuse it with --original)%n", originalDir);
    }
    String checkpointJson =
        Files.readString(originalDir.resolve(Checkpoints.MANIFEST_FILE), StandardCharsets.UTF_8);
    Method method =
        CheckpointManifest.fromJson(checkpointJson).method().equals(TorchScriptImport.METHOD)
            ? Method.IMPORT
            : Method.TRAIN;
    ModelVersionManifest registered =
        store.putVersion(
            modelId,
            NewVersion.builder(
                    method,
                    checkpointJson,
                    Files.readAllBytes(originalDir.resolve(Checkpoints.PARAMETERS_FILE)),
                    dataset.fingerprint())
                .optDataset(id, 0)
                .build());
    // The operator's first promotion; every later one is the registry service's.
    store.promote(modelId, ALIAS, registered.version());
    log.printf(
        "registry: %s v%d (%s, dataset %s v0) in bucket %s%n",
        modelId, registered.version(), ALIAS, id, store.bucket());
    return new Result(Outcome.REGISTERED, registered, id, Optional.of(originalDir), seconds);
  }

  /**
   * The snapshot the worker materialises (it keeps tombstoned subjects out of retain sets) and the
   * intake resolves subjects against.
   */
  private void uploadDataset(ImageDataset dataset, String id) {
    DatasetDescriptor d = datasets.putSnapshot(id, dataset);
    long bytes = d.objects().stream().mapToLong(DatasetDescriptor.StoredObject::bytes).sum();
    log.printf(
        Locale.ROOT,
        "registry: dataset %s v0 uploaded (%d samples, %.1f MB, fingerprint %s)%n",
        id,
        d.samples(),
        bytes / 1e6,
        d.fingerprint());
  }

  /**
   * {@code <dataset name>-<run id>}, reduced to the registry's name alphabet: a fresh dataset per
   * registration, so tombstones an earlier model's forgetting left on the same data do not make
   * this model's subjects unknown.
   */
  static String runDatasetId(ImageDataset dataset, String runId) {
    String name = dataset.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    name = name.replaceAll("^[^a-z0-9]+", "");
    int max = 63 - runId.length();
    return (name.isEmpty() ? "dataset" : name.substring(0, Math.min(name.length(), max)))
        + "-"
        + runId;
  }

  /**
   * Checks the command-line choice of the original: a checkpoint ({@code --original}), a
   * TorchScript module with its descriptor ({@code --torchscript}, {@code --descriptor}), or
   * neither (train one).
   *
   * @throws IllegalArgumentException naming the options that do not go together
   */
  static void checkOriginalOptions(Path original, Path torchScript, Path descriptor) {
    if ((torchScript == null) != (descriptor == null)) {
      throw new IllegalArgumentException("--torchscript and --descriptor go together");
    }
    if (torchScript != null && original != null) {
      throw new IllegalArgumentException(
          "register either a checkpoint (--original) or a TorchScript module (--torchscript),"
              + " not both");
    }
  }

  /** Options of {@link OriginalRegistration}; the original's own are {@link OriginalSettings}. */
  public static final class Builder extends OriginalSettings<Builder> {
    private final ModelStore store;
    private final DatasetStore datasets;
    private final DatasetSource source;
    private final Path workDir;
    private String runId = UUID.randomUUID().toString().substring(0, 8);

    private Builder(ModelStore store, DatasetStore datasets, DatasetSource source, Path workDir) {
      this.store = Objects.requireNonNull(store, "store");
      this.datasets = Objects.requireNonNull(datasets, "datasets");
      this.source = Objects.requireNonNull(source, "source");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** Names the trained original's directory and the default dataset id (default: random). */
    public Builder optRunId(String runId) {
      this.runId = Objects.requireNonNull(runId, "runId");
      return this;
    }

    public OriginalRegistration build() {
      checkOriginalOptions(original, torchScript, torchScriptDescriptor);
      return new OriginalRegistration(this);
    }
  }
}
