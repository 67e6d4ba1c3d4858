package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lethe.format.checkpoint.Sha256;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One generation of a dataset's snapshot, stored last (its existence makes the generation visible):
 * generation 0 is the snapshot as uploaded, at {@code datasets/{datasetId}/v0/descriptor.json};
 * generation {@code g >= 1} is the previous one without the samples of newly erased subjects, at
 * {@code datasets/{datasetId}/snapshots/{g}/descriptor.json} (see {@link SnapshotGenerations}). It
 * pins the content twice: each object's SHA-256 (checked on every download) and the engine's {@code
 * ImageDataset.fingerprint()} of the content (checked after rebuilding).
 *
 * @param name the engine dataset's name (e.g. {@code mufac})
 * @param fingerprint {@code sha256:<hex>}, {@code ImageDataset.fingerprint()} of the snapshot as
 *     uploaded (generation 0) in every generation: what checkpoints trained on it record
 * @param labelNames class or attribute names; {@code classCount} is their number
 * @param samples the number of samples in this generation
 * @param objects {@code samples.csv} and {@code images.bin}, keys relative to {@code directory}
 * @param generation 0 for the snapshot as uploaded, else the erasure generation
 * @param contentFingerprint {@code ImageDataset.fingerprint()} of this generation's content; equal
 *     to {@code fingerprint} in generation 0
 * @param erasedSubjects every subject whose samples (of every split) this generation no longer
 *     holds, cumulative, sorted; empty in generation 0
 * @param directory where {@code objects} are, relative to {@code datasets/{datasetId}/}: {@code
 *     v0/} for generation 0, {@code snapshots/{g}/{writer}/} after an erasure
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
    Instant createdAt,
    int generation,
    String contentFingerprint,
    List<String> erasedSubjects,
    String directory) {

  /** Where generation 0 keeps its objects, relative to the dataset's prefix. */
  public static final String UPLOADED_DIRECTORY = "v0/";

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
      @JsonProperty("createdAt") Instant createdAt,
      @JsonProperty("generation") int generation,
      @JsonProperty("contentFingerprint") String contentFingerprint,
      @JsonProperty("erasedSubjects") List<String> erasedSubjects,
      @JsonProperty("directory") String directory) {
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
    if (generation < 0) {
      throw new IllegalArgumentException("generation must be >= 0: " + generation);
    }
    this.generation = generation;
    // Descriptors written before erasure existed have none of the last four fields.
    this.contentFingerprint = contentFingerprint == null ? fingerprint : contentFingerprint;
    if (!Sha256.isWellFormed(this.contentFingerprint)) {
      throw new IllegalArgumentException(
          "contentFingerprint '" + contentFingerprint + "' is not sha256:<hex>");
    }
    this.erasedSubjects = erasedSubjects == null ? List.of() : List.copyOf(erasedSubjects);
    this.directory = directory == null ? UPLOADED_DIRECTORY : directory;
    if (generation == 0
        && (!this.erasedSubjects.isEmpty()
            || !this.directory.equals(UPLOADED_DIRECTORY)
            || !this.contentFingerprint.equals(fingerprint))) {
      throw new IllegalArgumentException(
          "generation 0 is the snapshot as uploaded: nothing erased, objects in "
              + UPLOADED_DIRECTORY);
    }
    if (generation > 0 && !this.directory.startsWith("snapshots/" + generation + "/")) {
      throw new IllegalArgumentException(
          "generation " + generation + " keeps its objects under snapshots/" + generation + "/");
    }
  }

  /** Generation 0: the snapshot as uploaded. */
  public DatasetDescriptor(
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
    this(
        datasetId,
        name,
        fingerprint,
        labelNames,
        multiLabel,
        classCount,
        channels,
        side,
        samples,
        objects,
        createdAt,
        0,
        fingerprint,
        List.of(),
        UPLOADED_DIRECTORY);
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
