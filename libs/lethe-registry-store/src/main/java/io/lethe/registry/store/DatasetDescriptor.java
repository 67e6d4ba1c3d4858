package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lethe.engine.checkpoint.Sha256;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The snapshot of a dataset as uploaded (version 0), stored last at {@code
 * datasets/{datasetId}/v0/descriptor.json}: its existence makes the snapshot visible. It pins the
 * content twice: each object's SHA-256 (checked on every download) and the engine's {@code
 * ImageDataset.fingerprint()} (checked after rebuilding), which is what checkpoints record as their
 * dataset version.
 *
 * @param name the engine dataset's name (e.g. {@code mufac})
 * @param fingerprint {@code sha256:<hex>}, {@code ImageDataset.fingerprint()} of the whole snapshot
 * @param labelNames class or attribute names; {@code classCount} is their number
 * @param objects {@code samples.csv} and {@code images.bin}, keys relative to {@code v0/}
 */
public record DatasetDescriptor(
    String datasetId,
    String name,
    String fingerprint,
    List<String> labelNames,
    boolean multiLabel,
    int classCount,
    int channels,
    int side,
    int samples,
    List<StoredObject> objects,
    Instant createdAt) {

  /** One object of the snapshot with its hash and size. */
  public record StoredObject(String key, String sha256, long bytes) {
    @JsonCreator
    public StoredObject(
        @JsonProperty("key") String key,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("bytes") long bytes) {
      this.key = Objects.requireNonNull(key, "key");
      if (sha256 == null || !Sha256.isWellFormed(sha256)) {
        throw new IllegalArgumentException("sha256 '" + sha256 + "' is not sha256:<64 hex>");
      }
      this.sha256 = sha256;
      this.bytes = bytes;
    }
  }

  @JsonCreator
  public DatasetDescriptor(
      @JsonProperty("datasetId") String datasetId,
      @JsonProperty("name") String name,
      @JsonProperty("fingerprint") String fingerprint,
      @JsonProperty("labelNames") List<String> labelNames,
      @JsonProperty("multiLabel") boolean multiLabel,
      @JsonProperty("classCount") int classCount,
      @JsonProperty("channels") int channels,
      @JsonProperty("side") int side,
      @JsonProperty("samples") int samples,
      @JsonProperty("objects") List<StoredObject> objects,
      @JsonProperty("createdAt") Instant createdAt) {
    this.datasetId = ModelKeys.requireName(datasetId, "datasetId");
    this.name = Objects.requireNonNull(name, "name");
    if (fingerprint == null || !Sha256.isWellFormed(fingerprint)) {
      throw new IllegalArgumentException("fingerprint '" + fingerprint + "' is not sha256:<hex>");
    }
    this.fingerprint = fingerprint;
    this.labelNames = List.copyOf(labelNames);
    this.multiLabel = multiLabel;
    if (classCount != this.labelNames.size()) {
      throw new IllegalArgumentException(
          "classCount " + classCount + " but " + this.labelNames.size() + " label names");
    }
    this.classCount = classCount;
    this.channels = channels;
    this.side = side;
    this.samples = samples;
    this.objects = List.copyOf(objects);
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The stored object called {@code key}. */
  StoredObject object(String key) {
    return objects.stream()
        .filter(o -> o.key().equals(key))
        .findFirst()
        .orElseThrow(
            () ->
                new CorruptObjectException(
                    "the descriptor of dataset " + datasetId + " lists no " + key));
  }
}
