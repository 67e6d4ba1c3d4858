package io.lethe.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.minio.MinioClient;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dataset versions with tombstones, in S3: after a subject is forgotten, the dataset gets a new
 * version in which that subject's samples are excluded, so a later retrain (or an audit) uses
 * exactly the data the lineage records. Version 0 is the dataset as uploaded and has no manifest;
 * each {@link #putTombstones} writes {@code datasets/{datasetId}/v{n}/manifest.json} with a
 * conditional write ({@code If-None-Match: *}), so concurrent writers never share a version number:
 * the loser retries with the next one. The images themselves are not handled here (yet).
 *
 * <p>Thread-safe.
 */
public final class DatasetStore {
  private static final String ROOT = "datasets/";
  private static final String MANIFEST = "manifest.json";
  private static final Pattern MANIFEST_KEY =
      Pattern.compile("^datasets/[^/]+/v([1-9][0-9]{0,9})/" + MANIFEST + "$");
  private static final Pattern SUBJECT =
      Pattern.compile("^[^\\s\\p{Cc}](?:[^\\p{Cc}]*[^\\s\\p{Cc}])?$");
  private static final int MAX_ATTEMPTS = 64;

  private final Bucket bucket;
  private final ObjectMapper mapper = MessageCodec.newObjectMapper();
  private final Clock clock;

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
  public DatasetVersion putTombstones(
      String datasetId, int baseVersion, Collection<String> subjects) {
    ModelKeys.requireName(datasetId, "datasetId");
    Objects.requireNonNull(subjects, "subjects");
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("no subjects to tombstone");
    }
    for (String s : subjects) {
      if (s == null || s.length() > 256 || !SUBJECT.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "subject id '"
                + s
                + "' is invalid: 1-256 characters, no control characters, no surrounding spaces");
      }
    }
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
      DatasetVersion v =
          new DatasetVersion(
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
  public DatasetVersion version(String datasetId, int version) {
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
    DatasetVersion v;
    try {
      v = mapper.readValue(bytes, DatasetVersion.class);
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

  private byte[] encode(DatasetVersion v) {
    try {
      return mapper.writeValueAsBytes(v);
    } catch (IOException e) {
      throw new StoreException("could not serialise dataset version: " + e, e);
    }
  }
}
