package io.lethe.worker;

import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress.Stage;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.checkpoint.CheckpointManifest;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.ImageDataset;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One forget request, end to end, as blocking code for the {@code lethe-unlearning} pool: fetch the
 * parent version from the registry into a scratch checkpoint directory, reload its dataset, run the
 * method through {@link ModelLineage} (so a service-made checkpoint means what a CLI-made one
 * does), and store the result as the next version. Everything the engine needs comes from the
 * parent's checkpoint manifest; the worker knows nothing of tensors.
 */
final class UnlearningJob {
  private final ModelStore store;
  private final Path scratchRoot;

  UnlearningJob(ModelStore store, Path scratchRoot) {
    this.store = Objects.requireNonNull(store, "store");
    this.scratchRoot = Objects.requireNonNull(scratchRoot, "scratchRoot");
  }

  /**
   * The version an earlier delivery of {@code request} already made, if any: Kafka delivers at
   * least once, and a crash between storing the version and committing the offset must not unlearn
   * twice.
   */
  Optional<ModelVersionManifest> alreadyDone(ForgetRequest request) {
    List<Integer> versions = store.versions(request.modelId());
    for (int i = versions.size() - 1; i >= 0; i--) {
      ModelVersionManifest m = store.manifest(request.modelId(), versions.get(i));
      if (m.forgetRequestIds().contains(request.requestId())) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the request and stores the new version.
   *
   * @return the manifest of the stored version
   * @throws IllegalArgumentException for a request that can never succeed (unsupported
   *     hyperparameters, another dataset, unknown subjects)
   */
  ModelVersionManifest run(ForgetRequest request, JobProgressReporter progress) throws IOException {
    progress.stage(Stage.LOADING, 0, 1);
    // Settings first: a bad request fails before anything is downloaded.
    DlfdConfig dlfd =
        request.method() == Method.DLFD ? MethodSettings.dlfd(request.hyperparameters()) : null;
    if (request.method() != Method.DLFD && request.method() != Method.RETRAIN) {
      throw new IllegalArgumentException("unsupported method " + request.method());
    }
    ModelVersionManifest parent = store.manifest(request.modelId(), request.baseVersion());
    if (!parent.datasetVersion().equals(request.datasetVersion())) {
      throw new IllegalArgumentException(
          "request is for dataset "
              + request.datasetVersion()
              + " but "
              + request.modelId()
              + " v"
              + request.baseVersion()
              + " was trained on "
              + parent.datasetVersion());
    }
    Path work = Files.createTempDirectory(scratchRoot, "job-");
    try {
      Path parentDir = Files.createDirectories(work.resolve("parent"));
      Files.write(
          parentDir.resolve(Checkpoints.PARAMETERS_FILE),
          store.parameters(request.modelId(), request.baseVersion()));
      Files.writeString(
          parentDir.resolve(Checkpoints.MANIFEST_FILE),
          store.checkpointJson(request.modelId(), request.baseVersion()),
          StandardCharsets.UTF_8);
      CheckpointManifest parentCheckpoint = Checkpoints.readManifest(parentDir);
      ImageDataset dataset = ModelLineage.loadDatasetOf(parentCheckpoint);
      Set<String> forget = new TreeSet<>(request.subjectIds());
      progress.stage(Stage.LOADING, 1, 1);

      Path out = work.resolve("out");
      if (request.method() == Method.DLFD) {
        ModelLineage.unlearn(parentDir, dataset, new Dlfd(dlfd), forget, out, progress);
      } else {
        TrainingRecipe recipe =
            MethodSettings.retrain(request.hyperparameters(), parentCheckpoint.hyperparameters());
        ModelLineage.retrain(
            parentDir, dataset, parentCheckpoint.modelSpec(), recipe, forget, out, progress);
      }

      progress.stage(Stage.SAVING, 0, 1);
      Set<String> subjects = new TreeSet<>(parent.subjectsForgotten());
      subjects.addAll(forget);
      NewVersion version =
          NewVersion.builder(
                  request.method(),
                  Files.readString(out.resolve(Checkpoints.MANIFEST_FILE), StandardCharsets.UTF_8),
                  Files.readAllBytes(out.resolve(Checkpoints.PARAMETERS_FILE)),
                  parent.datasetVersion())
              .optParentVersion(request.baseVersion())
              .optForgetRequestIds(List.of(request.requestId()))
              .optSubjectsForgotten(List.copyOf(subjects))
              .build();
      ModelVersionManifest stored = store.putVersion(request.modelId(), version);
      progress.stage(Stage.SAVING, 1, 1);
      return stored;
    } finally {
      deleteQuietly(work);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // scratch space: the OS temp cleaner gets what we miss
    }
  }
}
