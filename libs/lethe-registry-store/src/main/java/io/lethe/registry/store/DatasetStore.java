package io.lethe.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.minio.MinioClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
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
  private static final String MANIFEST = "manifest.json";
  static final String SAMPLES = SnapshotGenerations.SAMPLES;
  static final String IMAGES = SnapshotGenerations.IMAGES;
  static final String DESCRIPTOR = SnapshotGenerations.DESCRIPTOR;
  private static final Pattern MANIFEST_KEY =
      Pattern.compile("^datasets/[^/]+/v([1-9][0-9]{0,9})/" + MANIFEST + "$");
  private static final Pattern SUBJECT =
      Pattern.compile("^[^\\s\\p{Cc}](?:[^\\p{Cc}]*[^\\s\\p{Cc}])?$");
  private static final int MAX_ATTEMPTS = 64;

  private final Bucket bucket;
  private final ObjectMapper mapper = MessageCodec.newObjectMapper();
  private final Clock clock;
  private final SnapshotGenerations generations;

  /** A store in {@code settings.bucket()}, created if missing. */
  public DatasetStore(S3Settings settings) {
    this(settings.newClient(), settings.bucket(), Clock.systemUTC());
  }

  /** A store in {@code bucket}, created if missing. */
  public DatasetStore(MinioClient client, String bucket) {
    this(client, bucket, Clock.systemUTC());
  }

  DatasetStore(MinioClient client, String bucket, Clock clock) {
    this.bucket = new Bucket(client, bucket);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.generations = new SnapshotGenerations(this.bucket, mapper, clock);
    this.bucket.ensureExists();
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
    requireSubjects(datasetId, subjects);
    List<String> base =
        baseVersion == 0 ? List.of() : version(datasetId, baseVersion).tombstonedSubjects();
    TreeSet<String> added = new TreeSet<>(subjects);
    added.removeAll(base);
    if (added.isEmpty()) {
      return version(datasetId, baseVersion);
    }
    TreeSet<String> all = new TreeSet<>(base);
    all.addAll(added);
    int next = latest(datasetId) + 1;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++, next++) {
      DatasetRevision v =
          new DatasetRevision(
              datasetId,
              next,
              baseVersion,
              List.copyOf(all),
              List.copyOf(added),
              clock.instant().truncatedTo(ChronoUnit.MILLIS));
      if (bucket.putIfAbsent(key(datasetId, next), encode(v), ModelStore.JSON)) {
        return v;
      }
    }
    throw new StoreException(
        "could not allocate a version of dataset "
            + datasetId
            + " after "
            + MAX_ATTEMPTS
            + " attempts: too many concurrent writers");
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
    requireSubjects(datasetId, subjects);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int latest = latest(datasetId);
      List<String> base = tombstonedSubjects(datasetId, latest);
      TreeSet<String> added = new TreeSet<>(subjects);
      added.removeAll(base);
      if (added.isEmpty()) {
        return version(datasetId, latest);
      }
      TreeSet<String> all = new TreeSet<>(base);
      all.addAll(added);
      DatasetRevision v =
          new DatasetRevision(
              datasetId,
              latest + 1,
              latest,
              List.copyOf(all),
              List.copyOf(added),
              clock.instant().truncatedTo(ChronoUnit.MILLIS));
      if (bucket.putIfAbsent(key(datasetId, latest + 1), encode(v), ModelStore.JSON)) {
        return v;
      }
    }
    throw new StoreException(
        "could not add tombstones to dataset "
            + datasetId
            + " after "
            + MAX_ATTEMPTS
            + " attempts: too many concurrent writers");
  }

  /** The subjects whose samples {@code version} excludes (none for version 0), sorted. */
  public List<String> tombstonedSubjects(String datasetId, int version) {
    ModelKeys.requireName(datasetId, "datasetId");
    return version == 0 ? List.of() : version(datasetId, version).tombstonedSubjects();
  }

  /**
   * A stored version.
   *
   * @throws NotFoundException if there is no such version
   */
  public DatasetRevision version(String datasetId, int version) {
    ModelKeys.requireName(datasetId, "datasetId");
    ModelKeys.requireVersion(version);
    String key = key(datasetId, version);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "dataset "
                            + datasetId
                            + " has no version v"
                            + version
                            + " (s3://"
                            + bucket.name()
                            + "/"
                            + key
                            + " does not exist)"));
    DatasetRevision v;
    try {
      v = mapper.readValue(bytes, DatasetRevision.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptObjectException(
          "s3://" + bucket.name() + "/" + key + " is not a valid dataset version: " + e);
    }
    if (!v.datasetId().equals(datasetId) || v.version() != version) {
      throw new CorruptObjectException(
          "s3://" + bucket.name() + "/" + key + " describes another dataset version");
    }
    return v;
  }

  /** The stored versions of {@code datasetId}, ascending (version 0 is implicit, not listed). */
  public List<Integer> versions(String datasetId) {
    ModelKeys.requireName(datasetId, "datasetId");
    return bucket.keys(ROOT + datasetId + "/").stream()
        .map(DatasetStore::versionOf)
        .filter(OptionalInt::isPresent)
        .map(OptionalInt::getAsInt)
        .sorted()
        .toList();
  }

  /** The newest stored version, or 0 if none. */
  public int latest(String datasetId) {
    List<Integer> all = versions(datasetId);
    return all.isEmpty() ? 0 : all.get(all.size() - 1);
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
    Optional<DatasetDescriptor> existing = snapshot(datasetId);
    if (existing.isPresent()) {
      return sameSnapshot(existing.get(), dataset);
    }
    List<byte[]> images = new ArrayList<>(dataset.size());
    for (Sample s : dataset.samples()) {
      float[] pixels = new float[dataset.imageSize()];
      dataset.copyPixels(s.index(), pixels, 0);
      byte[] image = new byte[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        image[i] = (byte) Math.round(pixels[i] * 255f);
      }
      images.add(image);
    }
    byte[] samples = SampleTable.encode(dataset.samples());
    byte[] packed = PackedImages.pack(dataset.channels(), dataset.side(), images);
    generations.uploadVerified(snapshotKey(datasetId, SAMPLES), samples, SnapshotGenerations.CSV);
    generations.uploadVerified(snapshotKey(datasetId, IMAGES), packed, ModelStore.BINARY);
    DatasetDescriptor d =
        new DatasetDescriptor(
            datasetId,
            dataset.name(),
            dataset.fingerprint(),
            dataset.labelSchema().names(),
            dataset.labelSchema().multiLabel(),
            dataset.labelSchema().numOutputs(),
            dataset.channels(),
            dataset.side(),
            dataset.size(),
            List.of(
                new DatasetDescriptor.StoredObject(SAMPLES, Sha256.of(samples), samples.length),
                new DatasetDescriptor.StoredObject(IMAGES, Sha256.of(packed), packed.length)),
            clock.instant().truncatedTo(ChronoUnit.MILLIS));
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(d);
    } catch (IOException e) {
      throw new StoreException("could not serialise a dataset descriptor: " + e, e);
    }
    if (!bucket.putIfAbsent(snapshotKey(datasetId, DESCRIPTOR), bytes, ModelStore.JSON)) {
      // A concurrent upload of the same id won; fine if it is the same content.
      return sameSnapshot(snapshot(datasetId).orElseThrow(), dataset);
    }
    return d;
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
    List<String> tombstoned = tombstonedSubjects(datasetId, version);
    SnapshotGenerations.Content content = requireContent(datasetId, true);
    DatasetDescriptor d = content.descriptor();
    List<Sample> samples = samplesOf(content);
    String imagesAt = generations.where(SnapshotGenerations.objectKey(d, IMAGES));
    PackedImages.Unpacked images;
    ImageDataset dataset;
    try {
      images = PackedImages.unpack(content.images(), imagesAt);
      if (images.channels() != d.channels() || images.side() != d.side()) {
        throw new IllegalArgumentException(
            imagesAt + " holds " + images.channels() + "x" + images.side() + " images");
      }
      dataset =
          new ImageDataset(
              d.name(),
              new LabelSchema(d.labelNames(), d.multiLabel()),
              d.channels(),
              d.side(),
              samples,
              images.images());
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(
          "dataset " + datasetId + " does not rebuild from its snapshot: " + e.getMessage());
    }
    if (!dataset.fingerprint().equals(d.contentFingerprint())) {
      throw new CorruptObjectException(
          "dataset "
              + datasetId
              + " rebuilds with fingerprint "
              + dataset.fingerprint()
              + " but generation "
              + d.generation()
              + " was stored as "
              + d.contentFingerprint()
              + "; refusing to train on other data than the lineage records");
    }
    if (!d.erasedSubjects().isEmpty()) {
      // The uploaded dataset minus subjects every lineage on it has forgotten: what any training
      // may use is unchanged, so it keeps the identity checkpoints record (ImageDataset.erase).
      dataset = ImageDataset.erasureOf(dataset, d.fingerprint(), new TreeSet<>(d.erasedSubjects()));
    }
    Set<String> present = trainSubjects(samples);
    Set<String> excluded = new TreeSet<>(tombstoned);
    excluded.retainAll(present);
    return excluded.isEmpty() ? dataset : dataset.withoutSubjects(excluded);
  }

  /**
   * Subject id to its TRAIN sample ids (in snapshot order) in {@code version}; tombstoned subjects
   * are absent. Reads only {@code samples.csv}: what the intake needs to turn subjects into forget
   * requests.
   *
   * @throws NotFoundException if there is no snapshot or no such version
   */
  public SortedMap<String, List<String>> subjectSamples(String datasetId, int version) {
    Set<String> tombstoned = new HashSet<>(tombstonedSubjects(datasetId, version));
    SortedMap<String, List<String>> bySubject = new TreeMap<>();
    for (Sample s : samplesOf(requireContent(datasetId, false))) {
      if (s.split() == Split.TRAIN && !tombstoned.contains(s.subjectId())) {
        bySubject.computeIfAbsent(s.subjectId(), k -> new ArrayList<>()).add(s.sampleId());
      }
    }
    bySubject.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableSortedMap(bySubject);
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
    return generations.erase(datasetId, new TreeSet<>(subjects));
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
        ? generations.cleanUpUnfinishedUpload(datasetId, stagedBefore)
        : generations.cleanUp(datasetId, newest.get(), stagedBefore).deleted();
  }

  private DatasetDescriptor sameSnapshot(DatasetDescriptor stored, ImageDataset dataset) {
    if (!stored.fingerprint().equals(dataset.fingerprint())) {
      throw new StoreException(
          "dataset "
              + stored.datasetId()
              + " already has a snapshot with fingerprint "
              + stored.fingerprint()
              + ", not "
              + dataset.fingerprint()
              + "; a dataset id names one content for ever, upload under a new id");
    }
    return stored;
  }

  private SnapshotGenerations.Content requireContent(String datasetId, boolean withImages) {
    ModelKeys.requireName(datasetId, "datasetId");
    return generations
        .read(datasetId, withImages)
        .orElseThrow(() -> generations.noSnapshot(datasetId));
  }

  private List<Sample> samplesOf(SnapshotGenerations.Content content) {
    DatasetDescriptor d = content.descriptor();
    String at = generations.where(SnapshotGenerations.objectKey(d, SAMPLES));
    List<Sample> samples;
    try {
      samples = SampleTable.decode(content.samples(), at);
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(e.getMessage());
    }
    if (samples.size() != d.samples()) {
      throw new CorruptObjectException(
          at + " holds " + samples.size() + " samples, the descriptor " + d.samples());
    }
    return samples;
  }

  private static Set<String> trainSubjects(List<Sample> samples) {
    Set<String> subjects = new HashSet<>();
    for (Sample s : samples) {
      if (s.split() == Split.TRAIN) {
        subjects.add(s.subjectId());
      }
    }
    return subjects;
  }

  /**
   * With a snapshot, only subjects that have TRAIN samples in it, or whose samples were erased
   * (they were tombstoned first), may be tombstoned.
   */
  private void requireSubjects(String datasetId, Collection<String> subjects) {
    Optional<SnapshotGenerations.Content> content = generations.read(datasetId, false);
    if (content.isEmpty()) {
      return;
    }
    TreeSet<String> unknown = new TreeSet<>(subjects);
    unknown.removeAll(content.get().descriptor().erasedSubjects());
    unknown.removeAll(trainSubjects(samplesOf(content.get())));
    if (!unknown.isEmpty()) {
      // Counted, not named: the message may reach a service's log, and a subject id is personal.
      throw new IllegalArgumentException(
          unknown.size()
              + " of the "
              + subjects.size()
              + " subject(s) have no TRAIN samples in dataset "
              + datasetId
              + ": nothing to tombstone");
    }
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

  private static OptionalInt versionOf(String key) {
    Matcher m = MANIFEST_KEY.matcher(key);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    long n = Long.parseLong(m.group(1));
    return n > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) n);
  }

  private static String key(String datasetId, int version) {
    return ROOT + datasetId + "/v" + version + "/" + MANIFEST;
  }

  private byte[] encode(DatasetRevision v) {
    try {
      return mapper.writeValueAsBytes(v);
    } catch (IOException e) {
      throw new StoreException("could not serialise dataset version: " + e, e);
    }
  }
}
