package io.lethe.registry.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generations of a dataset's snapshot, which erasure ({@link SnapshotErasure}) writes: the
 * storage-level deletion of subjects' samples that tombstones alone do not do. This class reads the
 * newest generation and knows the layout.
 *
 * <pre>
 * datasets/{id}/v0/descriptor.json                   generation 0, the snapshot as uploaded
 * datasets/{id}/v0/samples.csv, images.bin           its objects (deleted once generation 1 exists)
 * datasets/{id}/snapshots/{g}/{writer}/samples.csv   generation g &gt;= 1: generation g-1 without
 * datasets/{id}/snapshots/{g}/{writer}/images.bin      the samples of newly erased subjects
 * datasets/{id}/snapshots/{g}/descriptor.json        written last, If-None-Match: * (visible)
 * </pre>
 *
 * <p><b>Writing a generation.</b> An eraser reads the newest generation {@code g}, uploads {@code
 * g+1}'s objects under a directory of its own ({@code {writer}}: random), reads each back against
 * its SHA-256, then writes {@code snapshots/{g+1}/descriptor.json} conditionally. Of two racing
 * erasers exactly one gets {@code g+1}; the other deletes its upload, re-reads (now {@code g+1},
 * which holds the winner's erasure) and tries {@code g+2}: each generation is built from the one
 * just before it, so no erasure is lost. Only then are the superseded objects deleted: every older
 * generation's {@code samples.csv} and {@code images.bin}, and every other writer's upload at or
 * below the new number. Descriptors stay (small, no samples): the record of what was erased.
 *
 * <p><b>Crashes.</b> Killed before its descriptor, an eraser leaves an upload that no reader sees;
 * the next erasure of the dataset deletes it (it sits at or below the number that erasure takes),
 * and {@link GenerationSweep#cleanUp} with a grace deletes it too (every {@code erase} call runs it
 * with {@link #STAGING_GRACE}). Killed after its descriptor, it leaves the older generations'
 * objects: the next {@code erase} call (a retry erases nothing new but still cleans up) or {@link
 * GenerationSweep#cleanUp} deletes them. A reader that finds the generation it was reading replaced
 * mid-read starts again on the newest one.
 */
final class SnapshotGenerations {
  static final String SAMPLES = "samples.csv";
  static final String IMAGES = "images.bin";
  static final String DESCRIPTOR = "descriptor.json";
  static final String CSV = "text/csv";

  /**
   * How old another writer's upload above the newest generation must be before an {@code erase}
   * call deletes it: an upload takes seconds, a writer that has not finished after this was killed.
   */
  static final Duration STAGING_GRACE = Duration.ofHours(1);

  private static final String ROOT = "datasets/";
  static final String SNAPSHOTS = "snapshots/";

  /** A key below a dataset's root in a generation's directory: group 1 the generation. */
  static final Pattern GENERATION_KEY = Pattern.compile("^snapshots/([1-9][0-9]{0,9})/(.+)$");

  private static final int MAX_READS = 16;

  private final Bucket bucket;
  private final StoredJson json;

  /** The newest generation's descriptor with its verified objects. */
  record Content(DatasetDescriptor descriptor, byte[] samples, byte[] images) {}

  SnapshotGenerations(Bucket bucket, StoredJson json) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The descriptor of the newest visible generation, if the dataset has a snapshot. */
  Optional<DatasetDescriptor> newest(String datasetId) {
    int newest = -1;
    for (String key : bucket.keys(root(datasetId) + SNAPSHOTS)) {
      Matcher m = GENERATION_KEY.matcher(key.substring(root(datasetId).length()));
      if (m.matches() && m.group(2).equals(DESCRIPTOR)) {
        long g = Long.parseLong(m.group(1));
        if (g <= Integer.MAX_VALUE) {
          newest = Math.max(newest, (int) g);
        }
      }
    }
    if (newest > 0) {
      String key = descriptorKey(datasetId, newest);
      byte[] bytes =
          bucket
              .get(key)
              .orElseThrow(() -> new StoreException(bucket.where(key) + " vanished after listing"));
      return Optional.of(decode(datasetId, newest, key, bytes));
    }
    String key = descriptorKey(datasetId, 0);
    return bucket.get(key).map(bytes -> decode(datasetId, 0, key, bytes));
  }

  /**
   * The newest generation's {@code samples.csv} (and {@code images.bin} if asked), each checked
   * against its descriptor; empty if the dataset has no snapshot. If an eraser replaces the
   * generation while it is being read (its objects vanish), starts again on the new one.
   */
  Optional<Content> read(String datasetId, boolean withImages) {
    for (int attempt = 0; attempt < MAX_READS; attempt++) {
      Optional<DatasetDescriptor> d = newest(datasetId);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      try {
        byte[] samples = readVerified(d.get(), SAMPLES);
        byte[] images = withImages ? readVerified(d.get(), IMAGES) : null;
        return Optional.of(new Content(d.get(), samples, images));
      } catch (Superseded e) {
        // an eraser replaced it meanwhile: read the new one
      }
    }
    throw new StoreUnavailableException(
        "the snapshot of dataset "
            + datasetId
            + " was replaced "
            + MAX_READS
            + " times while being read; try again",
        null);
  }

  /** The exception for a dataset without a snapshot. */
  NotFoundException noSnapshot(String datasetId) {
    return new NotFoundException(
        "dataset "
            + datasetId
            + " has no snapshot ("
            + bucket.where(descriptorKey(datasetId, 0))
            + " does not exist); upload it with putSnapshot first");
  }

  /** The key of a descriptor object ({@code samples.csv}, {@code images.bin}). */
  static String objectKey(DatasetDescriptor d, String name) {
    return root(d.datasetId()) + d.directory() + name;
  }

  static String descriptorKey(String datasetId, int generation) {
    return generation == 0
        ? root(datasetId) + DatasetDescriptor.UPLOADED_DIRECTORY + DESCRIPTOR
        : root(datasetId) + SNAPSHOTS + generation + "/" + DESCRIPTOR;
  }

  private byte[] readVerified(DatasetDescriptor d, String name) {
    DatasetDescriptor.StoredObject expected = d.object(name);
    String key = objectKey(d, name);
    Optional<byte[]> read = bucket.get(key);
    if (read.isEmpty()) {
      Optional<DatasetDescriptor> now = newest(d.datasetId());
      if (now.isPresent() && now.get().generation() > d.generation()) {
        throw new Superseded();
      }
      throw new CorruptObjectException(
          bucket.where(key) + " is missing although the dataset's descriptor lists it");
    }
    return bucket.requireAsListed(
        key, read.get(), expected.sha256(), expected.bytes(), "descriptor");
  }

  private DatasetDescriptor decode(String datasetId, int generation, String key, byte[] bytes) {
    DatasetDescriptor d = json.decode(key, bytes, DatasetDescriptor.class, "descriptor");
    if (!d.datasetId().equals(datasetId) || d.generation() != generation) {
      throw new CorruptObjectException(
          bucket.where(key) + " describes another dataset or generation");
    }
    return d;
  }

  static String root(String datasetId) {
    return ROOT + datasetId + "/";
  }

  /** The generation being read was replaced by a newer one (its objects deleted). */
  private static final class Superseded extends RuntimeException {
    Superseded() {
      super(null, null, false, false);
    }
  }
}
