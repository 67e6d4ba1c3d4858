package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The record of a purged model version, stored write-once at {@code
 * models/{modelId}/v{n}/purged.json} before anything is deleted: the version's parameters and
 * checkpoint are gone for good, its manifest (lineage), evaluation and claim stay.
 *
 * @param reason why it was purged, as the caller gave it (e.g. a retention rule); no subject ids
 * @param actor who or what asked (a user or a service name)
 * @param purgedAt when the marker was written
 * @param deletedObjects the keys the version held besides its manifest, evaluation and claim when
 *     the marker was written: what the purge deletes (see {@link ModelStore#purge})
 * @param deletedBytes their total size
 */
public record PurgeRecord(
    String modelId,
    int version,
    String reason,
    String actor,
    Instant purgedAt,
    List<String> deletedObjects,
    long deletedBytes) {

  @JsonCreator
  public PurgeRecord(
      @JsonProperty("modelId") String modelId,
      @JsonProperty("version") int version,
      @JsonProperty("reason") String reason,
      @JsonProperty("actor") String actor,
      @JsonProperty("purgedAt") Instant purgedAt,
      @JsonProperty("deletedObjects") List<String> deletedObjects,
      @JsonProperty("deletedBytes") long deletedBytes) {
    this.modelId = ModelKeys.requireName(modelId, "modelId");
    this.version = ModelKeys.requireVersion(version);
    this.reason = requireText(reason, "reason");
    this.actor = requireText(actor, "actor");
    this.purgedAt = Objects.requireNonNull(purgedAt, "purgedAt");
    this.deletedObjects = List.copyOf(Objects.requireNonNull(deletedObjects, "deletedObjects"));
    if (deletedBytes < 0) {
      throw new IllegalArgumentException("deletedBytes must be >= 0: " + deletedBytes);
    }
    this.deletedBytes = deletedBytes;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (value.length() > 1024) {
      throw new IllegalArgumentException(what + " must be at most 1024 characters");
    }
    return value;
  }
}
