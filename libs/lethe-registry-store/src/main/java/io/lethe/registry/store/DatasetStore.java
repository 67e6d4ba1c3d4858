package io.lethe.registry.store;

import io.lethe.api.MessageCodec;
import io.lethe.format.data.ImageDataset;
import io.minio.MinioClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Training datasets in S3, as a snapshot plus versions with tombstones: after a subject is
 * forgotten, the dataset gets a new version in which that subject's samples are excluded, so a
 * later retain set, retraining (or an audit) uses exactly the data the lineage records.
 *
 * <pre>
 * datasets/{id}/v0/samples.csv       sample_id,subject_id,label,split ({@link SampleTable})
 * datasets/{id}/v0/images.bin        every image, packed ({@link PackedImages})
 * datasets/{id}/v0/descriptor.json   {@link DatasetDescriptor}, written last: the snapshot is visible
 * datasets/{id}/v{n}/manifest.json   {@link DatasetRevision}: v{n} = v0 minus its tombstoned subjects
 * datasets/{id}/snapshots/{g}/...    snapshot generation g after erasures ({@link SnapshotGenerations})
 * </pre>
 *
 * <p>Version 0 is the snapshot as uploaded ({@link #putSnapshot}); like {@code
 * ModelStore.putVersion}, its objects are uploaded and read back with a matching SHA-256 before the
 * descriptor is written, so a crash leaves nothing visible. Each {@link #putTombstones} writes
 * {@code v{n}/manifest.json} with a conditional write ({@code If-None-Match: *}), so concurrent
 * writers never share a version number; {@link #tombstone} builds on the latest version and retries
 * on a lost race, so no writer's tombstones are dropped. A dataset without a snapshot (tombstones
 * only) still works, it just cannot be materialised.
 *
 * <p><b>Erasure.</b> Tombstones keep samples out of training, but the bytes stay. {@link #erase}
 * deletes them: a new snapshot generation without the erased subjects' samples replaces the
 * snapshot, and every older generation's objects are deleted. Every read ({@link #materialise},
 * {@link #subjectSamples}, {@link #snapshot}) uses the newest generation, so an erased subject has
 * no samples in any version any more.
 *
 * <p>Thread-safe.
 */
public final class DatasetStore {
  private static final String ROOT = "datasets/";
  static final String SAMPLES = SnapshotGenerations.SAMPLES;
  static final String IMAGES = SnapshotGenerations.IMAGES;
  static final String DESCRIPTOR = SnapshotGenerations.DESCRIPTOR;
  private static final Pattern SUBJECT =
      Pattern.compile("^[^\\s\\p{Cc}](?:[^\\p{Cc}]*[^\\s\\p{Cc}])?$");

  private final SnapshotGenerations generations;
  private final DatasetRevisions revisions;
  private final SnapshotSamples samples;
  private final SnapshotUpload upload;
  private final SnapshotErasure erasure;
  private final GenerationSweep sweep;

  /** A store in {@code settings.bucket()}, created if missing. */
  public DatasetStore(S3Settings settings) {
    this(settings.newClient(), settings.bucket(), Clock.systemUTC());
  }

  /** A store in {@code bucket}, created if missing. */
  public DatasetStore(MinioClient client, String bucket) {
    this(client, bucket, Clock.systemUTC());
  }

  DatasetStore(MinioClient client, String bucket, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Bucket b = new Bucket(client, bucket);
    StoredJson json = new StoredJson(b, MessageCodec.newObjectMapper());
    this.generations = new SnapshotGenerations(b, json);
    this.revisions = new DatasetRevisions(b, json, clock);
    this.samples = new SnapshotSamples(b, generations);
    this.upload = new SnapshotUpload(b, json, clock, generations);
    this.sweep = new GenerationSweep(b);
    this.erasure = new SnapshotErasure(b, json, clock, generations, sweep);
    b.ensureExists();
  }

  /**
   * Makes a new version of {@code datasetId}: {@code baseVersion} with {@code subjects} tombstoned
   * too. If every subject is already tombstoned in {@code baseVersion}, nothing is written and
   * {@code baseVersion} is returned, so a redelivered forget request does not multiply versions.
   *
   * @param baseVersion 0 for the dataset as uploaded, else a stored version
   * @throws NotFoundException if {@code baseVersion} is not stored
   * @throws IllegalArgumentException if {@code subjects} is empty or holds an invalid subject id
   */
  public DatasetRevision putTombstones(
      String datasetId, int baseVersion, Collection<String> subjects) {
    checkSubjects(datasetId, subjects);
    samples.requireSubjects(datasetId, subjects);
    return revisions.putTombstones(datasetId, baseVersion, subjects);
  }

  /**
   * Tombstones {@code subjects} on top of the dataset's latest version: the new version holds every
   * tombstone of the latest one plus these. If another writer takes the next number first, the
   * latest version is read again and the union recomputed, so concurrent forgettings (one per model
   * trained on the dataset) never drop each other's tombstones. If every subject is already
   * tombstoned in the latest version, nothing is written and that version is returned: a
   * redelivered request does not multiply versions.
   *
   * @throws IllegalArgumentException if {@code subjects} is empty, holds an invalid id, or (when
   *     the dataset has a snapshot) names a subject without TRAIN samples in it
   */
  public DatasetRevision tombstone(String datasetId, Collection<String> subjects) {
    checkSubjects(datasetId, subjects);
    samples.requireSubjects(datasetId, subjects);
    return revisions.tombstone(datasetId, subjects);
  }

  /** The subjects whose samples {@code version} excludes (none for version 0), sorted. */
  public List<String> tombstonedSubjects(String datasetId, int version) {
    return revisions.tombstonedSubjects(datasetId, version);
  }

  /**
   * A stored version.
   *
   * @throws NotFoundException if there is no such version
   */
  public DatasetRevision version(String datasetId, int version) {
    return revisions.version(datasetId, version);
  }

  /** The stored versions of {@code datasetId}, ascending (version 0 is implicit, not listed). */
  public List<Integer> versions(String datasetId) {
    return revisions.versions(datasetId);
  }

  /** The newest stored version, or 0 if none. */
  public int latest(String datasetId) {
    return revisions.latest(datasetId);
  }

  /**
   * Uploads {@code dataset} as version 0 of {@code datasetId}; visible only once every object was
   * read back with a matching SHA-256. Uploading the same content again returns the stored
   * descriptor (a retried upload is harmless); other content under the same id is refused, because
   * model versions and tombstones refer to the snapshot by id.
   *
   * @throws StoreException if {@code datasetId} already holds a different snapshot
   */
  public DatasetDescriptor putSnapshot(String datasetId, ImageDataset dataset) {
    ModelKeys.requireName(datasetId, "datasetId");
    Objects.requireNonNull(dataset, "dataset");
    return upload.put(datasetId, dataset);
  }

  /**
   * The descriptor of {@code datasetId}'s newest snapshot generation (generation 0, as uploaded,
   * until something is erased), if a snapshot was uploaded. Its {@code fingerprint} is always the
   * one uploaded; {@code contentFingerprint} and {@code erasedSubjects} say what erasure changed.
   */
  public Optional<DatasetDescriptor> snapshot(String datasetId) {
    ModelKeys.requireName(datasetId, "datasetId");
    return generations.newest(datasetId);
  }

  /**
   * The training data of {@code version}: the newest snapshot generation downloaded, every object
   * checked against its SHA-256, rebuilt and checked against the generation's content fingerprint,
   * then without the TRAIN samples of the version's tombstoned subjects ({@code
   * ImageDataset.withoutSubjects}). Version 0 is the snapshot itself, whose fingerprint is the
   * uploaded one that checkpoints record; after an erasure it is the uploaded snapshot without the
   * erased subjects' samples (of every version: erased data is gone), with the uploaded fingerprint
   * as its identity and the erased subjects in {@code ImageDataset.erasedSubjects()}.
   *
   * @throws NotFoundException if there is no snapshot or no such version
   * @throws CorruptObjectException if an object or the rebuilt dataset does not match
   */
  public ImageDataset materialise(String datasetId, int version) {
    return samples.materialise(datasetId, revisions.tombstonedSubjects(datasetId, version));
  }

  /**
   * Subject id to its TRAIN sample ids (in snapshot order) in {@code version}; tombstoned subjects
   * are absent. Reads only {@code samples.csv}: what the intake needs to turn subjects into forget
   * requests.
   *
   * @throws NotFoundException if there is no snapshot or no such version
   */
  public SortedMap<String, List<String>> subjectSamples(String datasetId, int version) {
    Set<String> tombstoned = new HashSet<>(revisions.tombstonedSubjects(datasetId, version));
    return samples.subjectSamples(datasetId, tombstoned);
  }

  /**
   * Erases {@code subjects}' samples from storage: writes a new snapshot generation holding every
   * sample (of every split) except those of the subjects erased so far and these, verified by
   * SHA-256 before its descriptor makes it visible, then deletes every older generation's {@code
   * samples.csv} and {@code images.bin}, so no object of the dataset holds the erased samples any
   * more (layout, races and crash recovery: {@link SnapshotGenerations}). Tombstones are untouched:
   * an erased subject stays tombstoned, and every version, old ones included, materialises without
   * it. Idempotent: subjects already erased are skipped; if none is new, nothing is written and the
   * record says so, but the superseded objects a crashed earlier call left are still deleted.
   *
   * <p>Every call first deletes what killed erasers left: uploads at or below the newest
   * generation, and uploads above it last modified more than {@link
   * SnapshotGenerations#STAGING_GRACE} ago (see {@link #sweepAbandoned} for another grace).
   *
   * @throws NotFoundException if the dataset has no snapshot
   * @throws IllegalArgumentException if {@code subjects} is empty, holds an invalid id, or a
   *     subject not erased yet is not tombstoned in the latest version (forget before erasing)
   */
  public ErasureRecord erase(String datasetId, Collection<String> subjects) {
    checkSubjects(datasetId, subjects);
    DatasetDescriptor newest =
        generations.newest(datasetId).orElseThrow(() -> generations.noSnapshot(datasetId));
    int latest = latest(datasetId);
    TreeSet<String> pending = new TreeSet<>(subjects);
    pending.removeAll(newest.erasedSubjects());
    pending.removeAll(tombstonedSubjects(datasetId, latest));
    if (!pending.isEmpty()) {
      throw new IllegalArgumentException(
          pending.size()
              + " of the "
              + new HashSet<>(subjects).size()
              + " subjects to erase from dataset "
              + datasetId
              + " are not tombstoned in its latest version v"
              + latest
              + ": tombstone (forget) subjects before erasing their samples");
    }
    return erasure.erase(datasetId, new TreeSet<>(subjects));
  }

  /**
   * Every subject whose samples were erased from {@code datasetId} (none without a snapshot),
   * sorted.
   */
  public SortedSet<String> erasedSubjects(String datasetId) {
    ModelKeys.requireName(datasetId, "datasetId");
    return Collections.unmodifiableSortedSet(
        new TreeSet<>(
            generations
                .newest(datasetId)
                .map(DatasetDescriptor::erasedSubjects)
                .orElse(List.of())));
  }

  /**
   * Deletes copies of samples that no reader uses: the objects of superseded generations (left by
   * an eraser killed after its descriptor), uploads of erasers that lost a race or were killed at
   * or below the newest generation, uploads above it last modified before {@code stagedBefore}, and
   * a snapshot upload that never got its descriptor (killed {@link #putSnapshot}) if older than
   * that. Every {@link #erase} does the same with a grace of {@link
   * SnapshotGenerations#STAGING_GRACE}; call this to sweep without erasing (e.g. periodically, or
   * with a shorter grace in tests). The grace must exceed the longest upload, and is compared with
   * S3's last-modified times.
   *
   * @return the keys deleted
   */
  public List<String> sweepAbandoned(String datasetId, Instant stagedBefore) {
    ModelKeys.requireName(datasetId, "datasetId");
    Objects.requireNonNull(stagedBefore, "stagedBefore");
    Optional<DatasetDescriptor> newest = generations.newest(datasetId);
    return newest.isEmpty()
        ? sweep.cleanUpUnfinishedUpload(datasetId, stagedBefore)
        : sweep.cleanUp(datasetId, newest.get(), stagedBefore).deleted();
  }

  private static void checkSubjects(String datasetId, Collection<String> subjects) {
    ModelKeys.requireName(datasetId, "datasetId");
    Objects.requireNonNull(subjects, "subjects");
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("no subjects given");
    }
    for (String s : subjects) {
      if (s == null || s.length() > 256 || !SUBJECT.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "subject id '"
                + s
                + "' is invalid: 1-256 characters, no control characters, no surrounding spaces");
      }
    }
  }

  static String snapshotKey(String datasetId, String name) {
    return ROOT + datasetId + "/v0/" + name;
  }
}
