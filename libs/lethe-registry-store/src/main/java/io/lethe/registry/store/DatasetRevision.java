package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One revision of a training dataset: the dataset as uploaded (revision 0, implicit) minus every
 * subject tombstoned so far. Stored at {@code datasets/{datasetId}/v{n}/manifest.json}; a revision
 * is never rewritten, so a model's lineage can always say exactly which samples it saw. ("Version"
 * is a model's word; a dataset has revisions, stored under {@code v{n}} keys.)
 *
 * @param baseVersion the version this one adds tombstones to (0: the dataset as uploaded)
 * @param tombstonedSubjects every subject whose samples are excluded, cumulative, sorted
 * @param newlyTombstoned the subjects this version added, sorted
 */
public record DatasetRevision(
    String datasetId,
    int version,
    int baseVersion,
    List<String> tombstonedSubjects,
    List<String> newlyTombstoned,
    @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt) {

  @JsonCreator
  public DatasetRevision(
      @JsonProperty("datasetId") String datasetId,
      @JsonProperty("version") int version,
      @JsonProperty("baseVersion") int baseVersion,
      @JsonProperty("tombstonedSubjects") List<String> tombstonedSubjects,
      @JsonProperty("newlyTombstoned") List<String> newlyTombstoned,
      @JsonProperty("createdAt") Instant createdAt) {
    this.datasetId = ModelKeys.requireName(datasetId, "datasetId");
    this.version = ModelKeys.requireVersion(version);
    if (baseVersion < 0 || baseVersion >= version) {
      throw new IllegalArgumentException(
          "baseVersion " + baseVersion + " must be in [0, " + version + ")");
    }
    this.baseVersion = baseVersion;
    this.tombstonedSubjects = List.copyOf(tombstonedSubjects);
    this.newlyTombstoned = List.copyOf(newlyTombstoned);
    if (!this.tombstonedSubjects.containsAll(this.newlyTombstoned)) {
      throw new IllegalArgumentException("newlyTombstoned must be a subset of tombstonedSubjects");
    }
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
  }
}
