package io.lethe.engine.workflow;

import io.lethe.engine.checkpoint.CheckpointRequirements;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningMethod;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The life of a model as checkpoints: train an original, then derive versions that forget subjects
 * (by an unlearning method or by retraining), each recording its parent, its method and every
 * subject forgotten along the way. The CLI and the services both go through here, so a checkpoint
 * means the same thing wherever it was made.
 *
 * <p><b>Device.</b> Each run takes the {@link ComputeDevice} its models live on (the overloads with
 * a {@code device} argument); {@code null}, or an overload without one, means the engine's default
 * device (the first GPU if the engine sees one, else the CPU). A checkpoint does not record where
 * it was made: its parameters load on any device.
 */
public final class ModelLineage {
  private ModelLineage() {}

  /** A checkpoint just written, with what the run reported. */
  public record Version(CheckpointManifest manifest, Path directory, double seconds) {}

  /** Loads the dataset a checkpoint records and checks it is the one the model was trained on. */
  public static ImageDataset loadDatasetOf(CheckpointManifest manifest) throws IOException {
    DatasetSource source = DatasetSource.fromMap(manifest.dataset().source());
    ImageDataset dataset = source.load();
    if (!dataset.fingerprint().equals(manifest.dataset().fingerprint())) {
      throw new IllegalStateException(
          "the dataset of checkpoint "
              + manifest.id()
              + " has changed: recorded "
              + manifest.dataset().fingerprint()
              + ", found "
              + dataset.fingerprint()
              + " (source "
              + source.toMap()
              + ")");
    }
    return dataset;
  }

  /** Trains an original model from scratch on every TRAIN sample. */
  public static Version train(
      DatasetSource source,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Path out,
      ProgressListener progress) {
    return train(source, dataset, spec, recipe, out, progress, null);
  }

  /** Trains an original model from scratch on every TRAIN sample, on {@code device}. */
  public static Version train(
      DatasetSource source,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Path out,
      ProgressListener progress,
      ComputeDevice device) {
    return train(source, dataset, spec, recipe, Set.of(), null, out, progress, device);
  }

  private static Version train(
      DatasetSource source,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Set<String> excluded,
      CheckpointManifest parent,
      Path out,
      ProgressListener progress,
      ComputeDevice device) {
    Trained trained = train(source, dataset, spec, recipe, excluded, parent, progress, device);
    CheckpointManifest manifest = Checkpoints.save(out, trained.checkpoint());
    return new Version(manifest, out, trained.seconds());
  }

  /** A model trained in memory, and how long its training took. */
  private record Trained(Checkpoint checkpoint, double seconds) {}

  private static Trained train(
      DatasetSource source,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Set<String> excluded,
      CheckpointManifest parent,
      ProgressListener progress,
      ComputeDevice device) {
    int[] samples =
        excluded.isEmpty()
            ? io.lethe.engine.data.Indices.ofSplit(dataset, io.lethe.format.data.Split.TRAIN)
            : UnlearningSplit.of(dataset, excluded).retain();
    try (Classifier model =
        Classifier.create(spec, dataset.labelSchema(), recipe.seed(), djl(device))) {
      SupervisedTrainer.TrainingSummary summary =
          new SupervisedTrainer(recipe).train(model, dataset, samples, progress);
      Map<String, Object> hp = new LinkedHashMap<>(recipe.describe());
      hp.put("trainSamples", samples.length);
      hp.put("finalEpochLoss", summary.finalEpochLoss());
      CheckpointManifest.Builder builder =
          CheckpointManifest.builder(
                  parent == null ? "train" : "retrain",
                  CheckpointManifest.Dataset.of(dataset, source.toMap()))
              .optHyperparameters(hp)
              .optForgottenSubjects(excluded);
      if (parent != null) {
        builder.optParent(parent);
      }
      return new Trained(Checkpoints.capture(model, builder), summary.seconds());
    }
  }

  /**
   * Retrains from scratch without everything the parent forgot plus {@code forget}: the gold
   * standard an unlearning method is compared with.
   */
  public static Version retrain(
      Path parentDir,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Set<String> forget,
      Path out,
      ProgressListener progress) {
    CheckpointManifest parent = Checkpoints.readManifest(parentDir);
    Trained trained =
        retrainTrained(parent, dataset, spec, recipe, forget, Set.of(), progress, null);
    CheckpointManifest manifest = Checkpoints.save(out, trained.checkpoint());
    return new Version(manifest, out, trained.seconds());
  }

  /**
   * Retrains from scratch in memory, on {@code device} (null: the engine's default), without
   * everything {@code parent} forgot, {@code forget} and the subjects the dataset has {@code
   * tombstoned} (forgotten through other models sharing it). The new model never sees any of them,
   * so its checkpoint records all of them as forgotten.
   */
  public static Checkpoint retrain(
      CheckpointManifest parent,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Set<String> forget,
      Set<String> tombstoned,
      ProgressListener progress,
      ComputeDevice device) {
    return retrainTrained(parent, dataset, spec, recipe, forget, tombstoned, progress, device)
        .checkpoint();
  }

  private static Trained retrainTrained(
      CheckpointManifest parent,
      ImageDataset dataset,
      ModelSpec spec,
      TrainingRecipe recipe,
      Set<String> forget,
      Set<String> tombstoned,
      ProgressListener progress,
      ComputeDevice device) {
    if (spec.architecture() == Architecture.TORCHSCRIPT) {
      throw new UnsupportedOperationException(
          "retrain is not supported for TorchScript models: retraining from scratch needs the"
              + " model's training code and recipe, which a TorchScript module does not carry;"
              + " unlearn with dlfd or a baseline instead");
    }
    Set<String> all = new TreeSet<>(parent.forgottenSubjects());
    all.addAll(forget);
    all.addAll(tombstoned);
    DatasetSource source = DatasetSource.fromMap(parent.dataset().source());
    return train(source, dataset, spec, recipe, all, parent, progress, device);
  }

  /** Applies {@code method} to the parent checkpoint so it forgets {@code forget}. */
  public static UnlearnedVersion unlearn(
      Path parentDir,
      ImageDataset dataset,
      UnlearningMethod method,
      Set<String> forget,
      Path out,
      ProgressListener progress) {
    return unlearn(parentDir, dataset, method, forget, out, progress, null);
  }

  /** Like the overload without a device, with the parent loaded onto (and unlearning on) it. */
  public static UnlearnedVersion unlearn(
      Path parentDir,
      ImageDataset dataset,
      UnlearningMethod method,
      Set<String> forget,
      Path out,
      ProgressListener progress,
      ComputeDevice device) {
    try (LoadedCheckpoint parent = Checkpoints.load(parentDir, sameData(dataset), djl(device))) {
      Unlearned run =
          unlearn(
              parent.manifest(), parent.classifier(), dataset, method, forget, Set.of(), progress);
      CheckpointManifest manifest = Checkpoints.save(out, parent.classifier(), run.manifest());
      return new UnlearnedVersion(
          new Version(manifest, out, run.outcome().seconds()), run.outcome());
    }
  }

  /**
   * Like {@link #unlearn(Path, ImageDataset, UnlearningMethod, Set, Path, ProgressListener,
   * ComputeDevice)} on a checkpoint held in memory, returning the new checkpoint in memory: no file
   * is written. The retain set also excludes the subjects the dataset has {@code tombstoned}
   * (forgotten through other models sharing it): no retain set may use a forgotten person's data,
   * whichever model it was forgotten through. They are not recorded as forgotten by this model,
   * which was not asked to forget them.
   */
  public static UnlearnedCheckpoint unlearn(
      Checkpoint parent,
      ImageDataset dataset,
      UnlearningMethod method,
      Set<String> forget,
      Set<String> tombstoned,
      ProgressListener progress,
      ComputeDevice device) {
    try (Classifier model = Checkpoints.restore(parent, sameData(dataset), djl(device))) {
      Unlearned run =
          unlearn(parent.manifest(), model, dataset, method, forget, tombstoned, progress);
      return new UnlearnedCheckpoint(Checkpoints.capture(model, run.manifest()), run.outcome());
    }
  }

  /** The manifest of an unlearned model, and the method's account of the run. */
  private record Unlearned(CheckpointManifest.Builder manifest, UnlearningOutcome outcome) {}

  private static Unlearned unlearn(
      CheckpointManifest parent,
      Classifier model,
      ImageDataset dataset,
      UnlearningMethod method,
      Set<String> forget,
      Set<String> tombstoned,
      ProgressListener progress) {
    // Subjects the parent already forgot are tombstoned: no retain set may contain them again.
    Set<String> earlier = new TreeSet<>(parent.forgottenSubjects());
    earlier.addAll(tombstoned);
    earlier.removeAll(forget);
    ImageDataset working = earlier.isEmpty() ? dataset : dataset.withoutSubjects(earlier);
    UnlearningSplit split = UnlearningSplit.of(working, forget);
    UnlearningData data =
        new UnlearningData(
            working, split.forget(), split.retain(), split.unseen(), split.validation());
    UnlearningOutcome outcome = method.unlearn(model, data, progress);
    Set<String> all = new TreeSet<>(parent.forgottenSubjects());
    all.addAll(forget);
    Map<String, Object> hp = new LinkedHashMap<>(method.hyperparameters());
    hp.put("seconds", outcome.seconds());
    hp.put("steps", outcome.steps());
    hp.put("perturbedSteps", outcome.perturbedSteps());
    CheckpointManifest.Builder manifest =
        CheckpointManifest.builder(method.name(), parent.dataset())
            .optParent(parent)
            .optHyperparameters(hp)
            .optForgottenSubjects(all);
    return new Unlearned(manifest, outcome);
  }

  private static CheckpointRequirements sameData(ImageDataset dataset) {
    return CheckpointRequirements.builder().optDatasetFingerprint(dataset.fingerprint()).build();
  }

  /** An unlearned checkpoint in memory and the method's own account of the run. */
  public record UnlearnedCheckpoint(Checkpoint checkpoint, UnlearningOutcome outcome) {}

  /** An unlearned checkpoint and the method's own account of the run. */
  public record UnlearnedVersion(Version version, UnlearningOutcome outcome) {}

  private static ai.djl.Device djl(ComputeDevice device) {
    return device == null ? null : device.toDjl();
  }
}
