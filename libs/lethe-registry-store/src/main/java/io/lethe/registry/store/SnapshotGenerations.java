package io.lethe.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generations of a dataset's snapshot, and erasure: the storage-level deletion of subjects'
 * samples that tombstones alone do not do.
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
 * and {@link #cleanUp} with a grace deletes it too (every {@code erase} call runs it with {@link
 * #STAGING_GRACE}). Killed after its descriptor, it leaves the older generations' objects: the next
 * {@code erase} call (a retry erases nothing new but still cleans up) or {@link #cleanUp} deletes
 * them. A reader that finds the generation it was reading replaced mid-read starts again on the
 * newest one.
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
  private static final String SNAPSHOTS = "snapshots/";
  private static final Pattern GENERATION_KEY =
      Pattern.compile("^snapshots/([1-9][0-9]{0,9})/(.+)$");
  private static final int MAX_ATTEMPTS = 64;
  private static final int MAX_READS = 16;

  private final Bucket bucket;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** The newest generation's descriptor with its verified objects. */
  record Content(DatasetDescriptor descriptor, byte[] samples, byte[] images) {}

  /** What {@link #cleanUp} deleted. */
  record CleanUp(List<String> deleted) {}

  SnapshotGenerations(Bucket bucket, ObjectMapper mapper, Clock clock) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.clock = Objects.requireNonNull(clock, "clock");
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
              .orElseThrow(() -> new StoreException(where(key) + " vanished after listing"));
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

  /**
   * Writes a generation without the samples of {@code subjects} not erased yet (see the class
   * comment), then deletes what it supersedes. The caller checked the subjects may be erased.
   *
   * @throws NotFoundException if the dataset has no snapshot
   */
  ErasureRecord erase(String datasetId, Set<String> subjects) {
    List<String> deleted = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Content current = read(datasetId, true).orElseThrow(() -> noSnapshot(datasetId));
      DatasetDescriptor d = current.descriptor();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      deleted.addAll(cleanUp(datasetId, d, now.minus(STAGING_GRACE)).deleted());
      TreeSet<String> added = new TreeSet<>(subjects);
      added.removeAll(d.erasedSubjects());
      if (added.isEmpty()) {
        return new ErasureRecord(datasetId, d.generation(), List.of(), 0, deleted, now);
      }
      String imagesAt = where(objectKey(d, IMAGES));
      List<Sample> samples;
      PackedImages.Unpacked images;
      try {
        samples = SampleTable.decode(current.samples(), where(objectKey(d, SAMPLES)));
        images = PackedImages.unpack(current.images(), imagesAt);
      } catch (IllegalArgumentException e) {
        throw new CorruptObjectException(e.getMessage());
      }
      if (samples.size() != images.images().size()) {
        throw new CorruptObjectException(
            imagesAt + " holds " + images.images().size() + " images for " + samples.size());
      }
      List<Sample> kept = new ArrayList<>(samples.size());
      List<byte[]> keptImages = new ArrayList<>(samples.size());
      for (Sample s : samples) {
        if (!added.contains(s.subjectId())) {
          kept.add(new Sample(kept.size(), s.sampleId(), s.subjectId(), s.labels(), s.split()));
          keptImages.add(images.images().get(s.index()));
        }
      }
      ImageDataset content =
          new ImageDataset(
              d.name(),
              new LabelSchema(d.labelNames(), d.multiLabel()),
              d.channels(),
              d.side(),
              kept,
              keptImages);
      byte[] csv = SampleTable.encode(kept);
      byte[] packed = PackedImages.pack(d.channels(), d.side(), keptImages);
      int generation = d.generation() + 1;
      String directory = SNAPSHOTS + generation + "/" + writerToken() + "/";
      List<String> staged =
          List.of(root(datasetId) + directory + SAMPLES, root(datasetId) + directory + IMAGES);
      try {
        uploadVerified(staged.get(0), csv, CSV);
        uploadVerified(staged.get(1), packed, ModelStore.BINARY);
      } catch (StoreException e) {
        removeQuietly(staged);
        if (!(e instanceof StoreUnavailableException)
            && bucket.get(descriptorKey(datasetId, generation)).isPresent()) {
          continue; // another eraser took the number and removed this upload: start again
        }
        throw e;
      }
      TreeSet<String> erased = new TreeSet<>(d.erasedSubjects());
      erased.addAll(added);
      DatasetDescriptor next =
          new DatasetDescriptor(
              datasetId,
              d.name(),
              d.fingerprint(),
              d.labelNames(),
              d.multiLabel(),
              d.classCount(),
              d.channels(),
              d.side(),
              kept.size(),
              List.of(
                  new DatasetDescriptor.StoredObject(SAMPLES, Sha256.of(csv), csv.length),
                  new DatasetDescriptor.StoredObject(IMAGES, Sha256.of(packed), packed.length)),
              now,
              generation,
              content.fingerprint(),
              List.copyOf(erased),
              directory);
      if (!bucket.putIfAbsent(
          descriptorKey(datasetId, generation), encode(next), ModelStore.JSON)) {
        removeQuietly(staged);
        continue; // lost the race for this number: rebuild on the winner's generation
      }
      deleted.addAll(cleanUp(datasetId, next, now.minus(STAGING_GRACE)).deleted());
      return new ErasureRecord(
          datasetId, generation, List.copyOf(added), samples.size() - kept.size(), deleted, now);
    }
    throw new StoreException(
        "could not write a new snapshot generation of dataset "
            + datasetId
            + " after "
            + MAX_ATTEMPTS
            + " attempts: too many concurrent erasers");
  }

  /**
   * Deletes every copy of samples that {@code newest} supersedes: the objects of older generations,
   * the uploads of other writers at or below its number (they lost, or died), and, only if last
   * modified before {@code stagedBefore}, uploads above it (their writers may still be uploading).
   * Also a half-uploaded generation 0 (no descriptor) older than {@code stagedBefore}.
   */
  CleanUp cleanUp(String datasetId, DatasetDescriptor newest, Instant stagedBefore) {
    String root = root(datasetId);
    List<String> deleted = new ArrayList<>();
    for (Bucket.Entry e : bucket.list(root)) {
      String rel = e.key().substring(root.length());
      boolean stale = e.lastModified().isBefore(stagedBefore);
      boolean doomed;
      if (rel.startsWith(DatasetDescriptor.UPLOADED_DIRECTORY)) {
        doomed = newest.generation() > 0 && !rel.endsWith("/" + DESCRIPTOR);
      } else {
        Matcher m = GENERATION_KEY.matcher(rel);
        if (!m.matches() || m.group(2).equals(DESCRIPTOR)) {
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
    if (bucket.get(descriptorKey(datasetId, 0)).isPresent()) {
      return deleted;
    }
    for (String name : List.of(SAMPLES, IMAGES)) {
      String key = root(datasetId) + DatasetDescriptor.UPLOADED_DIRECTORY + name;
      for (Bucket.Entry e : bucket.list(key)) {
        if (e.key().equals(key) && e.lastModified().isBefore(stagedBefore)) {
          bucket.remove(key);
          deleted.add(key);
        }
      }
    }
    return deleted;
  }

  /** The exception for a dataset without a snapshot. */
  NotFoundException noSnapshot(String datasetId) {
    return new NotFoundException(
        "dataset "
            + datasetId
            + " has no snapshot ("
            + where(descriptorKey(datasetId, 0))
            + " does not exist); upload it with putSnapshot first");
  }

  /** Uploads {@code bytes} and checks they read back with the same size and SHA-256. */
  void uploadVerified(String key, byte[] bytes, String contentType) {
    bucket.put(key, bytes, contentType);
    byte[] back =
        bucket
            .get(key)
            .orElseThrow(() -> new StoreException(where(key) + " vanished right after upload"));
    if (back.length != bytes.length || !Sha256.of(back).equals(Sha256.of(bytes))) {
      throw new CorruptObjectException(where(key) + " does not read back as uploaded");
    }
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

  String where(String key) {
    return "s3://" + bucket.name() + "/" + key;
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
          where(key) + " is missing although the dataset's descriptor lists it");
    }
    byte[] bytes = read.get();
    String actual = Sha256.of(bytes);
    if (bytes.length != expected.bytes() || !actual.equals(expected.sha256())) {
      throw new CorruptObjectException(
          where(key)
              + ": sha256 "
              + actual
              + " ("
              + bytes.length
              + " bytes) does not match the descriptor's "
              + expected.sha256()
              + " ("
              + expected.bytes()
              + " bytes); the object was altered after it was stored, refusing to use it");
    }
    return bytes;
  }

  private DatasetDescriptor decode(String datasetId, int generation, String key, byte[] bytes) {
    DatasetDescriptor d;
    try {
      d = mapper.readValue(bytes, DatasetDescriptor.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptObjectException(where(key) + " is not a valid descriptor: " + e);
    }
    if (!d.datasetId().equals(datasetId) || d.generation() != generation) {
      throw new CorruptObjectException(where(key) + " describes another dataset or generation");
    }
    return d;
  }

  private byte[] encode(DatasetDescriptor d) {
    try {
      return mapper.writeValueAsBytes(d);
    } catch (IOException e) {
      throw new StoreException("could not serialise a dataset descriptor: " + e, e);
    }
  }

  private void removeQuietly(List<String> keys) {
    for (String key : keys) {
      try {
        bucket.remove(key);
      } catch (StoreException e) {
        // left for the next erasure's clean-up, which deletes uploads at or below its generation
      }
    }
  }

  private String writerToken() {
    byte[] token = new byte[8];
    random.nextBytes(token);
    return HexFormat.of().formatHex(token);
  }

  private static String root(String datasetId) {
    return ROOT + datasetId + "/";
  }

  /** The generation being read was replaced by a newer one (its objects deleted). */
  private static final class Superseded extends RuntimeException {
    Superseded() {
      super(null, null, false, false);
    }
  }
}
