package io.lethe.engine.checkpoint;

import ai.djl.Device;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.TorchScriptClassifiers;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelFormat;
import io.lethe.format.model.TorchScriptDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Saves and loads checkpoints: a directory with {@value #PARAMETERS_FILE} ({@link
 * Classifier#parameterBytes()}) and {@value #MANIFEST_FILE} ({@link CheckpointManifest}). For a
 * TorchScript model ({@code format} torchscript in the manifest) {@value #PARAMETERS_FILE} is the
 * module itself, a TorchScript archive that {@code torch.jit.load} reads; the manifest holds its
 * descriptor.
 *
 * <p>Each file is written atomically and the manifest last, so a directory that has a manifest
 * holds a complete checkpoint, whatever crashed when. Loading never trusts the bytes: it checks
 * them against the manifest's SHA-256 before building a model. The byte-array variants ({@link
 * #restore}) apply the same checks to checkpoints kept elsewhere, e.g. in an object store.
 */
public final class Checkpoints {
  /** The manifest's file name inside a checkpoint directory. */
  public static final String MANIFEST_FILE = "manifest.json";

  /** The parameters' file name inside a checkpoint directory. */
  public static final String PARAMETERS_FILE = "parameters.bin";

  private Checkpoints() {}

  /**
   * Saves {@code classifier} into {@code dir} (created if needed) with a manifest from {@code
   * manifest}, which gets the model, labels and parameter hash from the classifier.
   *
   * @return the manifest written
   * @throws CheckpointException if {@code dir} already holds a checkpoint: checkpoints are
   *     immutable, and overwriting one would break the lineage of its children
   */
  public static CheckpointManifest save(
      Path dir, Classifier classifier, CheckpointManifest.Builder manifest) {
    Objects.requireNonNull(dir, "dir");
    requireNoCheckpoint(dir);
    return save(dir, capture(classifier, manifest));
  }

  /**
   * Writes {@code checkpoint} into {@code dir} (created if needed).
   *
   * @return its manifest
   * @throws CheckpointException if {@code dir} already holds a checkpoint
   */
  public static CheckpointManifest save(Path dir, Checkpoint checkpoint) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(checkpoint, "checkpoint");
    requireNoCheckpoint(dir);
    CheckpointManifest written = checkpoint.manifest();
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(PARAMETERS_FILE), checkpoint.parameters());
      AtomicFiles.write(
          dir.resolve(MANIFEST_FILE), written.toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not save checkpoint " + written.id() + " to " + dir + ": " + e.getMessage(), e);
    }
    return written;
  }

  /**
   * The checkpoint of {@code classifier} in memory, with a manifest from {@code manifest}, which
   * gets the model, labels and parameter hash from the classifier.
   */
  public static Checkpoint capture(Classifier classifier, CheckpointManifest.Builder manifest) {
    Objects.requireNonNull(classifier, "classifier");
    Objects.requireNonNull(manifest, "manifest");
    byte[] parameters = classifier.parameterBytes();
    CheckpointManifest built =
        manifest.build(
            classifier.spec(),
            classifier.labels(),
            classifier
                .torchScriptDescriptor()
                .map(TorchScriptDescriptor::featuresOutput)
                .orElse(null),
            parameters);
    return new Checkpoint(built, parameters);
  }

  private static byte[] readParameters(Path dir, CheckpointManifest manifest) {
    Path file = dir.resolve(PARAMETERS_FILE);
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          "checkpoint " + manifest.id() + ": " + PARAMETERS_FILE + " is missing (" + file + ")");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void requireNoCheckpoint(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST_FILE);
    if (Files.exists(manifestFile)) {
      throw new CheckpointException(
          "checkpoint directory "
              + dir
              + " already holds a checkpoint ("
              + manifestFile
              + " exists); save to a new directory");
    }
  }

  /**
   * Reads only the manifest of the checkpoint in {@code dir}, e.g. to list or compare checkpoints
   * without loading models.
   *
   * @throws CheckpointException naming the path if the manifest is missing or malformed
   */
  public static CheckpointManifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST_FILE);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint directory " + dir + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          "checkpoint directory "
              + dir
              + " has no "
              + MANIFEST_FILE
              + " ("
              + file
              + "): not a checkpoint, or its save did not finish");
    }
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
    try {
      return CheckpointManifest.fromJson(json);
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads and verifies the checkpoint in {@code dir}; see {@link #load(Path,
   * CheckpointRequirements)}.
   */
  public static LoadedCheckpoint load(Path dir) {
    return load(dir, CheckpointRequirements.none());
  }

  /** Loads the checkpoint in {@code dir}, refusing one that is not an {@code expected} model. */
  public static LoadedCheckpoint load(Path dir, Architecture expected) {
    return load(dir, CheckpointRequirements.builder().optArchitecture(expected).build());
  }

  /**
   * Loads the checkpoint in {@code dir}: reads the manifest, checks {@code requirements}, verifies
   * the parameters' size and SHA-256 against the manifest, and builds the classifier.
   *
   * <p>The classifier lives on the engine's default device.
   *
   * @throws CheckpointException if a file is missing, the manifest is malformed, the requirements
   *     are not met, or the parameters do not match the manifest
   */
  public static LoadedCheckpoint load(Path dir, CheckpointRequirements requirements) {
    return load(dir, requirements, null);
  }

  /**
   * Like {@link #load(Path, CheckpointRequirements)}, with the classifier on {@code device} (null:
   * the engine's default).
   */
  public static LoadedCheckpoint load(
      Path dir, CheckpointRequirements requirements, Device device) {
    Objects.requireNonNull(requirements, "requirements");
    CheckpointManifest manifest = readManifest(dir);
    requirements.check(manifest);
    byte[] parameters = readParameters(dir, manifest);
    return new LoadedCheckpoint(manifest, build(manifest, parameters, PARAMETERS_FILE, device));
  }

  /** Builds the classifier of a checkpoint held in memory. */
  public static Classifier restore(Checkpoint checkpoint) {
    return restore(checkpoint, CheckpointRequirements.none(), null);
  }

  /**
   * Builds the classifier of a checkpoint held in memory on {@code device} (null: the engine's
   * default), after checking {@code requirements}.
   */
  public static Classifier restore(
      Checkpoint checkpoint, CheckpointRequirements requirements, Device device) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    requirements.check(checkpoint.manifest());
    return build(checkpoint.manifest(), checkpoint.parameters(), "parameters", device);
  }

  /** Builds the classifier of a checkpoint held in memory, after verifying its parameters. */
  public static Classifier restore(CheckpointManifest manifest, byte[] parameters) {
    return restore(manifest, parameters, CheckpointRequirements.none());
  }

  /**
   * Builds the classifier of a checkpoint held in memory (e.g. fetched from an object store) after
   * checking {@code requirements} and verifying {@code parameters} against the manifest.
   *
   * @throws CheckpointException as {@link #load(Path, CheckpointRequirements)}
   */
  public static Classifier restore(
      CheckpointManifest manifest, byte[] parameters, CheckpointRequirements requirements) {
    requirements.check(manifest);
    return build(manifest, parameters, "parameters", null);
  }

  private static Classifier build(
      CheckpointManifest manifest, byte[] parameters, String what, Device device) {
    manifest.verify(parameters, what);
    try {
      if (manifest.modelFormat() == ModelFormat.TORCHSCRIPT) {
        return TorchScriptClassifiers.load(parameters, manifest.torchScriptDescriptor(), device);
      }
      return Classifier.fromParameters(
          manifest.modelSpec(), manifest.labelSchema(), parameters, device);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          "checkpoint " + manifest.id() + ": " + e.getMessage() + " described by its manifest", e);
    }
  }
}
