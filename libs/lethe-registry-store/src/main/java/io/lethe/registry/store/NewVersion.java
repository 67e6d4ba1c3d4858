package io.lethe.registry.store;

import io.lethe.api.Method;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ModelStore#putVersion} needs to store a model version: the engine checkpoint (its
 * manifest JSON and parameter bytes) and the registry lineage (parent, forget requests, subjects,
 * dataset). The checkpoint is checked on construction: its manifest must parse and its parameter
 * hash must match the bytes, so an inconsistent pair never reaches S3.
 */
public final class NewVersion {
  private final Method method;
  private final String checkpointJson;
  private final CheckpointManifest checkpoint;
  private final byte[] parameters;
  private final String datasetVersion;
  private final Integer parentVersion;
  private final List<String> forgetRequestIds;
  private final List<String> subjectsForgotten;
  private final String datasetId;
  private final Integer datasetRevision;

  private NewVersion(Builder b) {
    this.method = b.method;
    this.checkpointJson = b.checkpointJson;
    this.checkpoint = b.checkpoint;
    this.parameters = b.parameters;
    this.datasetVersion = b.datasetVersion;
    this.parentVersion = b.parentVersion;
    this.forgetRequestIds = List.copyOf(b.forgetRequestIds);
    this.subjectsForgotten = List.copyOf(b.subjectsForgotten);
    this.datasetId = b.datasetId;
    this.datasetRevision = b.datasetRevision;
  }

  /**
   * @param method how the version was made ({@code train} for an original model)
   * @param checkpointJson the engine's {@link CheckpointManifest#toJson()}
   * @param parameters the classifier's parameter bytes, as the checkpoint manifest describes them
   * @param datasetVersion {@code sha256:<hex>} fingerprint of the training dataset
   * @throws CheckpointException if the checkpoint manifest is malformed or does not describe {@code
   *     parameters}
   */
  public static Builder builder(
      Method method, String checkpointJson, byte[] parameters, String datasetVersion) {
    return new Builder(method, checkpointJson, parameters, datasetVersion);
  }

  public Method method() {
    return method;
  }

  public String checkpointJson() {
    return checkpointJson;
  }

  /** The parsed checkpoint manifest. */
  public CheckpointManifest checkpoint() {
    return checkpoint;
  }

  /** The parameter bytes (not copied: do not modify). */
  byte[] parameterBytes() {
    return parameters;
  }

  byte[] checkpointBytes() {
    return checkpointJson.getBytes(StandardCharsets.UTF_8);
  }

  public String datasetVersion() {
    return datasetVersion;
  }

  /** {@code null} for an original model. */
  public Integer parentVersion() {
    return parentVersion;
  }

  public List<String> forgetRequestIds() {
    return forgetRequestIds;
  }

  public List<String> subjectsForgotten() {
    return subjectsForgotten;
  }

  /** The registry dataset the version was trained on, or {@code null}. */
  public String datasetId() {
    return datasetId;
  }

  /** The dataset version tombstoning every subject this version forgot, or {@code null}. */
  public Integer datasetRevision() {
    return datasetRevision;
  }

  /** Options for {@link NewVersion}. */
  public static final class Builder {
    private final Method method;
    private final String checkpointJson;
    private final CheckpointManifest checkpoint;
    private final byte[] parameters;
    private final String datasetVersion;
    private Integer parentVersion;
    private List<String> forgetRequestIds = List.of();
    private List<String> subjectsForgotten = List.of();
    private String datasetId;
    private Integer datasetRevision;

    private Builder(
        Method method, String checkpointJson, byte[] parameters, String datasetVersion) {
      this.method = Objects.requireNonNull(method, "method");
      this.checkpointJson = Objects.requireNonNull(checkpointJson, "checkpointJson");
      this.parameters = Objects.requireNonNull(parameters, "parameters").clone();
      this.datasetVersion = Objects.requireNonNull(datasetVersion, "datasetVersion");
      this.checkpoint = CheckpointManifest.fromJson(checkpointJson);
      checkpoint.verifyParameters(this.parameters);
    }

    /** The version this one was derived from (default: none, an original model). */
    public Builder optParentVersion(Integer parentVersion) {
      if (parentVersion != null && parentVersion < 1) {
        throw new IllegalArgumentException("parentVersion must be >= 1: " + parentVersion);
      }
      this.parentVersion = parentVersion;
      return this;
    }

    /** Forget requests applied to make this version (default: none). */
    public Builder optForgetRequestIds(List<String> ids) {
      this.forgetRequestIds = new ArrayList<>(Objects.requireNonNull(ids, "forgetRequestIds"));
      return this;
    }

    /** Every subject forgotten, cumulative along the lineage (default: none). */
    public Builder optSubjectsForgotten(List<String> subjects) {
      this.subjectsForgotten =
          new ArrayList<>(Objects.requireNonNull(subjects, "subjectsForgotten"));
      return this;
    }

    /**
     * The registry dataset ({@code DatasetStore}) the version was trained on, and the dataset
     * version in which every subject it forgot is tombstoned (default: none, the data lives where
     * the checkpoint's dataset source says).
     */
    public Builder optDataset(String datasetId, int revision) {
      ModelKeys.requireName(datasetId, "datasetId");
      if (revision < 0) {
        throw new IllegalArgumentException("dataset revision must be >= 0: " + revision);
      }
      this.datasetId = datasetId;
      this.datasetRevision = revision;
      return this;
    }

    public NewVersion build() {
      return new NewVersion(this);
    }
  }
}
