package io.lethe.registry.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Deletes the copies of a dataset's samples that no reader uses: superseded snapshot generations,
 * uploads of erasers that lost a race or died, and a snapshot upload that never got its descriptor.
 * Uploads that a live writer may still be finishing are spared until they are older than the
 * caller's grace ({@link SnapshotGenerations#STAGING_GRACE} for an erasure).
 */
final class GenerationSweep {
  /** What {@link #cleanUp} deleted. */
  record CleanUp(List<String> deleted) {}

  private final Bucket bucket;

  GenerationSweep(Bucket bucket) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
  }

  /**
   * Deletes every copy of samples that {@code newest} supersedes: the objects of older generations,
   * the uploads of other writers at or below its number (they lost, or died), and, only if last
   * modified before {@code stagedBefore}, uploads above it (their writers may still be uploading).
   * Also a half-uploaded generation 0 (no descriptor) older than {@code stagedBefore}.
   */
  CleanUp cleanUp(String datasetId, DatasetDescriptor newest, Instant stagedBefore) {
    String root = SnapshotGenerations.root(datasetId);
    List<String> deleted = new ArrayList<>();
    for (Bucket.Entry e : bucket.list(root)) {
      String rel = e.key().substring(root.length());
      boolean stale = e.lastModified().isBefore(stagedBefore);
      boolean doomed;
      if (rel.startsWith(DatasetDescriptor.UPLOADED_DIRECTORY)) {
        doomed = newest.generation() > 0 && !rel.endsWith("/" + SnapshotGenerations.DESCRIPTOR);
      } else {
        Matcher m = SnapshotGenerations.GENERATION_KEY.matcher(rel);
        if (!m.matches() || m.group(2).equals(SnapshotGenerations.DESCRIPTOR)) {
          doomed = false; // tombstone versions, descriptors
        } else {
          long g = Long.parseLong(m.group(1));
          doomed = g <= newest.generation() ? !rel.startsWith(newest.directory()) : stale;
        }
      }
      if (doomed) {
        bucket.remove(e.key());
        deleted.add(e.key());
      }
    }
    return new CleanUp(deleted);
  }

  /**
   * Deletes a generation 0 upload that never got its descriptor (its writer died), if older than
   * {@code stagedBefore}.
   */
  List<String> cleanUpUnfinishedUpload(String datasetId, Instant stagedBefore) {
    List<String> deleted = new ArrayList<>();
    if (bucket.get(SnapshotGenerations.descriptorKey(datasetId, 0)).isPresent()) {
      return deleted;
    }
    for (String name : List.of(SnapshotGenerations.SAMPLES, SnapshotGenerations.IMAGES)) {
      String key =
          SnapshotGenerations.root(datasetId) + DatasetDescriptor.UPLOADED_DIRECTORY + name;
      for (Bucket.Entry e : bucket.list(key)) {
        if (e.key().equals(key) && e.lastModified().isBefore(stagedBefore)) {
          bucket.remove(key);
          deleted.add(key);
        }
      }
    }
    return deleted;
  }
}
