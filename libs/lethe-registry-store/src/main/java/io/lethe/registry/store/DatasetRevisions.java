package io.lethe.registry.store;

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
 * The tombstone versions of {@link DatasetStore}: {@code datasets/{id}/v{n}/manifest.json}, one
 * {@link DatasetRevision} each, written with {@code If-None-Match: *} so concurrent writers never
 * share a number. Version 0 (the snapshot as uploaded) is implicit. Subjects are checked by the
 * caller.
 */
final class DatasetRevisions {
  private static final String ROOT = "datasets/";
  private static final String MANIFEST = "manifest.json";
  private static final Pattern MANIFEST_KEY =
      Pattern.compile("^datasets/[^/]+/v([1-9][0-9]{0,9})/" + MANIFEST + "$");
  private static final int MAX_ATTEMPTS = 64;

  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;

  DatasetRevisions(Bucket bucket, StoredJson json, Clock clock) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** See {@link DatasetStore#putTombstones}. */
  DatasetRevision putTombstones(String datasetId, int baseVersion, Collection<String> subjects) {
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
      if (bucket.putIfAbsent(
          key(datasetId, next), json.encode(v, "dataset version"), ModelStore.JSON)) {
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

  /** See {@link DatasetStore#tombstone}. */
  DatasetRevision tombstone(String datasetId, Collection<String> subjects) {
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
      if (bucket.putIfAbsent(
          key(datasetId, latest + 1), json.encode(v, "dataset version"), ModelStore.JSON)) {
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
  List<String> tombstonedSubjects(String datasetId, int version) {
    ModelKeys.requireName(datasetId, "datasetId");
    return version == 0 ? List.of() : version(datasetId, version).tombstonedSubjects();
  }

  /**
   * A stored version.
   *
   * @throws NotFoundException if there is no such version
   */
  DatasetRevision version(String datasetId, int version) {
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
                            + " ("
                            + bucket.where(key)
                            + " does not exist)"));
    DatasetRevision v = json.decode(key, bytes, DatasetRevision.class, "dataset version");
    if (!v.datasetId().equals(datasetId) || v.version() != version) {
      throw new CorruptObjectException(bucket.where(key) + " describes another dataset version");
    }
    return v;
  }

  /** The stored versions of {@code datasetId}, ascending (version 0 is implicit, not listed). */
  List<Integer> versions(String datasetId) {
    ModelKeys.requireName(datasetId, "datasetId");
    return bucket.keys(ROOT + datasetId + "/").stream()
        .map(DatasetRevisions::versionOf)
        .filter(OptionalInt::isPresent)
        .map(OptionalInt::getAsInt)
        .sorted()
        .toList();
  }

  /** The newest stored version, or 0 if none. */
  int latest(String datasetId) {
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
}
