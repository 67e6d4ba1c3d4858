package io.lethe.engine.checkpoint;

import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.model.Architecture;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller needs a checkpoint to be before it is worth loading: a given architecture, trained
 * on a given dataset. Checked against the manifest before the parameters are read, so that pointing
 * a job at the wrong checkpoint fails at once with a message naming both sides, rather than later
 * with a shape error or, worse, silently meaningless metrics. Immutable; build with {@link
 * #builder()}.
 */
public final class CheckpointRequirements {
  private static final CheckpointRequirements NONE = builder().build();

  private final Architecture architecture;
  private final String datasetFingerprint;

  private CheckpointRequirements(Builder b) {
    this.architecture = b.architecture;
    this.datasetFingerprint = b.datasetFingerprint;
  }

  /** Accepts any well-formed checkpoint. */
  public static CheckpointRequirements none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<Architecture> architecture() {
    return Optional.ofNullable(architecture);
  }

  public Optional<String> datasetFingerprint() {
    return Optional.ofNullable(datasetFingerprint);
  }

  /**
   * @throws CheckpointException naming the checkpoint, what it is, and what was expected, if {@code
   *     manifest} does not meet these requirements
   */
  public void check(CheckpointManifest manifest) {
    if (architecture != null && !architecture.cliName().equals(manifest.architecture())) {
      throw new CheckpointException(
          "checkpoint "
              + manifest.id()
              + " is a "
              + manifest.architecture()
              + " model, but a "
              + architecture.cliName()
              + " model was expected");
    }
    if (datasetFingerprint != null
        && !datasetFingerprint.equals(manifest.dataset().fingerprint())) {
      throw new CheckpointException(
          "checkpoint "
              + manifest.id()
              + " was made on dataset "
              + manifest.dataset().name()
              + " with fingerprint "
              + manifest.dataset().fingerprint()
              + ", but fingerprint "
              + datasetFingerprint
              + " was expected");
    }
  }

  /** By default nothing is required. */
  public static final class Builder {
    private Architecture architecture;
    private String datasetFingerprint;

    private Builder() {}

    /** Requires a checkpoint of this architecture. */
    public Builder optArchitecture(Architecture architecture) {
      this.architecture = Objects.requireNonNull(architecture, "architecture");
      return this;
    }

    /** Requires a checkpoint made on the dataset with this {@code ImageDataset.fingerprint()}. */
    public Builder optDatasetFingerprint(String datasetFingerprint) {
      this.datasetFingerprint = Objects.requireNonNull(datasetFingerprint, "datasetFingerprint");
      return this;
    }

    public CheckpointRequirements build() {
      return new CheckpointRequirements(this);
    }
  }
}
