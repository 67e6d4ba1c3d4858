package io.lethe.format.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelFormat;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.TorchScriptDescriptor;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What a checkpoint's parameters are: the model they fit, the labels its outputs mean, the dataset
 * and method that made it, its parent in the unlearning lineage, the subjects it has forgotten, and
 * the SHA-256 of the parameter bytes. It is the part of a checkpoint one can read, list and compare
 * without loading a model, and the only thing that makes the opaque parameter bytes usable.
 *
 * <p>Serialised as JSON with {@code formatVersion} {@value #FORMAT_VERSION}; readers ignore fields
 * they do not know, and a change that old readers would misread must bump the version. Build one
 * with {@link #builder}; the engine's {@code Checkpoints.save} fills in the model and the hash.
 *
 * @param formatVersion manifest schema version, {@value #FORMAT_VERSION}
 * @param id unique id of this checkpoint (a random UUID unless the caller chose one)
 * @param createdAt when the checkpoint was made, ISO-8601 with offset (e.g. {@code
 *     2025-01-31T12:00:00.123Z})
 * @param architecture {@link Architecture#cliName()} of the network ({@code torchscript} for a
 *     user's TorchScript module)
 * @param format how the model bytes are stored ({@link ModelFormat#wireName()}): {@code lethe} (DJL
 *     block format of an engine-built network) or {@code torchscript} (a TorchScript archive that
 *     {@code torch.jit.load} reads); manifests written before the field existed read as {@code
 *     lethe}
 * @param channels input channels
 * @param side input height = width in pixels
 * @param numOutputs number of logits
 * @param smallInputStem see {@link ModelSpec#smallInputStem()}
 * @param normalization the per-channel input normalisation inside the model
 * @param featuresOutput TorchScript only: index of the module's (N, E) feature output in its output
 *     tuple, or null if it returns logits only (see {@link TorchScriptDescriptor})
 * @param labels what the outputs mean
 * @param dataset the dataset the model was trained or unlearned on, and how to reload it
 * @param parent the checkpoint this one was derived from, or null for an original model
 * @param method how this checkpoint was made, e.g. "train", "retrain", "dlfd"
 * @param hyperparameters the method's settings as plain JSON values
 * @param forgottenSubjects subjects this model has forgotten, sorted and distinct; keeping it
 *     cumulative along the lineage is the caller's job
 * @param parametersSha256 {@code "sha256:<hex>"} of the parameter bytes
 * @param parametersBytes length of the parameter bytes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "formatVersion",
  "id",
  "createdAt",
  "architecture",
  "format",
  "channels",
  "side",
  "numOutputs",
  "smallInputStem",
  "normalization",
  "featuresOutput",
  "labels",
  "dataset",
  "parent",
  "method",
  "hyperparameters",
  "forgottenSubjects",
  "parametersSha256",
  "parametersBytes"
})
public record CheckpointManifest(
    int formatVersion,
    String id,
    String createdAt,
    String architecture,
    String format,
    int channels,
    int side,
    int numOutputs,
    boolean smallInputStem,
    InputNormalization normalization,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer featuresOutput,
    ManifestLabels labels,
    Dataset dataset,
    Parent parent,
    String method,
    Map<String, Object> hyperparameters,
    List<String> forgottenSubjects,
    String parametersSha256,
    long parametersBytes) {

  /** The manifest schema version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public CheckpointManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported checkpoint manifest formatVersion "
              + formatVersion
              + ": this build reads version "
              + FORMAT_VERSION);
    }
    requireText(id, "id");
    requireText(createdAt, "createdAt");
    try {
      OffsetDateTime.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "createdAt '" + createdAt + "' is not an ISO-8601 date-time with offset", e);
    }
    requireText(architecture, "architecture");
    architecture = Architecture.parse(architecture).cliName();
    ModelFormat parsedFormat = ModelFormat.parse(format);
    format = parsedFormat.wireName();
    boolean torchScript = architecture.equals(Architecture.TORCHSCRIPT.cliName());
    if (torchScript != (parsedFormat == ModelFormat.TORCHSCRIPT)) {
      throw new IllegalArgumentException(
          "format '"
              + format
              + "' does not fit architecture '"
              + architecture
              + "': a TorchScript module has architecture and format torchscript, an engine-built"
              + " network format lethe");
    }
    if (featuresOutput != null && (!torchScript || featuresOutput < 1)) {
      throw new IllegalArgumentException(
          "featuresOutput " + featuresOutput + " needs format torchscript and an index >= 1");
    }
    Objects.requireNonNull(normalization, "normalization is missing");
    Objects.requireNonNull(labels, "labels is missing");
    Objects.requireNonNull(dataset, "dataset is missing");
    requireText(method, "method");
    hyperparameters =
        Hyperparameters.normalize(hyperparameters == null ? Map.of() : hyperparameters);
    forgottenSubjects = sortedDistinct(forgottenSubjects, "forgottenSubjects");
    if (!Sha256.isWellFormed(parametersSha256)) {
      throw new IllegalArgumentException(
          "parametersSha256 '" + parametersSha256 + "' is not of the form sha256:<64 hex digits>");
    }
    if (parametersBytes < 0) {
      throw new IllegalArgumentException("parametersBytes is negative: " + parametersBytes);
    }
    if (labels.names().size() != numOutputs) {
      throw new IllegalArgumentException(
          "the model has "
              + numOutputs
              + " outputs but the manifest names "
              + labels.names().size()
              + " labels");
    }
    // Builds the spec once so that an inconsistent shape fails here, not on first load.
    new ModelSpec(
        Architecture.parse(architecture),
        channels,
        side,
        numOutputs,
        normalization.toNormalization(),
        smallInputStem);
  }

  /** A builder for a checkpoint made by {@code method} on {@code dataset}. */
  public static Builder builder(String method, Dataset dataset) {
    return new Builder(method, dataset);
  }

  /** The spec to rebuild the network with. */
  public ModelSpec modelSpec() {
    return new ModelSpec(
        Architecture.parse(architecture),
        channels,
        side,
        numOutputs,
        normalization.toNormalization(),
        smallInputStem);
  }

  /** How the model bytes are stored. */
  public ModelFormat modelFormat() {
    return ModelFormat.parse(format);
  }

  /**
   * The descriptor of a TorchScript checkpoint's module.
   *
   * @throws IllegalStateException for a checkpoint of an engine-built network
   */
  public TorchScriptDescriptor torchScriptDescriptor() {
    if (modelFormat() != ModelFormat.TORCHSCRIPT) {
      throw new IllegalStateException("checkpoint " + id + " is not a TorchScript model");
    }
    return TorchScriptDescriptor.of(modelSpec(), labelSchema(), featuresOutput);
  }

  /** What the model's outputs mean. */
  public LabelSchema labelSchema() {
    return new LabelSchema(labels.names(), labels.multiLabel());
  }

  /** The manifest as indented JSON. */
  public String toJson() {
    return CheckpointManifestJson.write(this);
  }

  /**
   * Parses a manifest written by {@link #toJson()}.
   *
   * @throws CheckpointException if {@code json} is not valid JSON, has no or an unsupported {@code
   *     formatVersion}, or misses or misstates a field
   */
  public static CheckpointManifest fromJson(String json) {
    return CheckpointManifestJson.read(json);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is missing or blank");
    }
  }

  private static List<String> sortedDistinct(Collection<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    for (String v : values) {
      if (v == null) {
        throw new IllegalArgumentException(field + " contains null");
      }
    }
    return List.copyOf(new TreeSet<>(values));
  }

  /**
   * Verifies that {@code parameters} are the bytes {@code manifest} describes.
   *
   * @throws CheckpointException with both hashes and sizes if they are not
   */
  public void verifyParameters(byte[] parameters) {
    verify(parameters, "parameters");
  }

  /** As {@link #verifyParameters}, naming the bytes {@code what} in the error. */
  public void verify(byte[] parameters, String what) {
    Objects.requireNonNull(parameters, "parameters");
    String actual = Sha256.of(parameters);
    if (!actual.equals(parametersSha256()) || parameters.length != parametersBytes()) {
      throw new CheckpointException(
          "checkpoint "
              + id()
              + ": "
              + what
              + " sha256 "
              + actual
              + " ("
              + parameters.length
              + " bytes) does not match manifest "
              + parametersSha256()
              + " ("
              + parametersBytes()
              + " bytes); the parameters are corrupted or belong to another checkpoint");
    }
  }

  /**
   * The dataset behind a checkpoint. The fingerprint says which data exactly; {@code source} says
   * how to get it back (e.g. {@code {"kind":"idx","path":"...","trainLimit":"2000"}}), in whatever
   * keys the loader that reads it understands.
   */
  public record Dataset(String name, String fingerprint, Map<String, String> source) {
    public Dataset {
      requireText(name, "dataset.name");
      requireText(fingerprint, "dataset.fingerprint");
      source = Collections.unmodifiableMap(new TreeMap<>(source == null ? Map.of() : source));
    }

    /** The name and fingerprint of {@code dataset}, with how to reload it. */
    public static Dataset of(ImageDataset dataset, Map<String, String> source) {
      return new Dataset(dataset.name(), dataset.fingerprint(), source);
    }
  }

  /**
   * The checkpoint this one was derived from. The parent's parameter hash pins the exact parent
   * even if a checkpoint with the same id were ever rewritten.
   */
  public record Parent(String id, String parametersSha256) {
    public Parent {
      requireText(id, "parent.id");
      if (!Sha256.isWellFormed(parametersSha256)) {
        throw new IllegalArgumentException(
            "parent.parametersSha256 '"
                + parametersSha256
                + "' is not of the form sha256:<64 hex digits>");
      }
    }

    public static Parent of(CheckpointManifest parent) {
      return new Parent(parent.id(), parent.parametersSha256());
    }
  }

  /**
   * Collects what only the caller knows (method, dataset, lineage, settings); the model, labels and
   * parameter hash are taken from the parameters themselves in {@link #build}, so they cannot
   * disagree with what is saved.
   */
  public static final class Builder {
    private final String method;
    private final Dataset dataset;
    private String id;
    private Instant createdAt;
    private Parent parent;
    private Map<String, Object> hyperparameters = Map.of();
    private List<String> forgottenSubjects = List.of();

    private Builder(String method, Dataset dataset) {
      requireText(method, "method");
      this.method = method;
      this.dataset = Objects.requireNonNull(dataset, "dataset");
    }

    /** The checkpoint id; a fresh random UUID per {@link #build} by default. */
    public Builder optId(String id) {
      requireText(id, "id");
      this.id = id;
      return this;
    }

    /** The creation time; the time of {@link #build} by default. */
    public Builder optCreatedAt(Instant createdAt) {
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
      return this;
    }

    /** The checkpoint this one was derived from; none (an original model) by default. */
    public Builder optParent(CheckpointManifest parent) {
      return optParent(Parent.of(parent));
    }

    public Builder optParent(Parent parent) {
      this.parent = Objects.requireNonNull(parent, "parent");
      return this;
    }

    /** The method's settings, e.g. {@code TrainingRecipe.describe()}; empty by default. */
    public Builder optHyperparameters(Map<String, ?> hyperparameters) {
      this.hyperparameters = Hyperparameters.normalize(hyperparameters);
      return this;
    }

    /** All subjects forgotten so far along the lineage; none by default. */
    public Builder optForgottenSubjects(Collection<String> forgottenSubjects) {
      this.forgottenSubjects = List.copyOf(forgottenSubjects);
      return this;
    }

    /**
     * The manifest for {@code parameters} of an engine-built {@code spec} model with {@code
     * labels}.
     */
    public CheckpointManifest build(ModelSpec spec, LabelSchema labels, byte[] parameters) {
      return build(spec, labels, null, parameters);
    }

    /**
     * The manifest for {@code parameters} of a {@code spec} model with {@code labels}; {@code
     * featuresOutput} is the index of a TorchScript module's features output, null if it has none.
     */
    public CheckpointManifest build(
        ModelSpec spec, LabelSchema labels, Integer featuresOutput, byte[] parameters) {
      Objects.requireNonNull(parameters, "parameters");
      boolean torchScript = spec.architecture() == Architecture.TORCHSCRIPT;
      return new CheckpointManifest(
          FORMAT_VERSION,
          id != null ? id : UUID.randomUUID().toString(),
          (createdAt != null ? createdAt : Instant.now().truncatedTo(ChronoUnit.MILLIS)).toString(),
          spec.architecture().cliName(),
          (torchScript ? ModelFormat.TORCHSCRIPT : ModelFormat.LETHE).wireName(),
          spec.channels(),
          spec.side(),
          spec.numOutputs(),
          spec.smallInputStem(),
          InputNormalization.of(spec.normalization()),
          featuresOutput,
          ManifestLabels.of(labels),
          dataset,
          parent,
          method,
          hyperparameters,
          forgottenSubjects,
          Sha256.of(parameters),
          parameters.length);
    }
  }
}
