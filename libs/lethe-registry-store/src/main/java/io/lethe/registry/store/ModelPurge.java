package io.lethe.registry.store;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Purging model versions for {@link ModelStore#purge}: a write-once marker ({@code purged.json},
 * {@code If-None-Match: *}) first, then the deletes, so a crash in between leaves a version that
 * every read already refuses and that the next {@code purge} call finishes. The manifest (lineage),
 * the evaluation and the claim stay; everything else of the version goes.
 */
final class ModelPurge {
  /** What a purge keeps of a version: small, and without parameters. */
  static final Set<String> KEPT =
      Set.of(ModelKeys.MANIFEST, ModelKeys.EVALUATION, ModelKeys.CLAIM, ModelKeys.PURGED);

  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;

  ModelPurge(Bucket bucket, StoredJson json, Clock clock) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Purges a version whose manifest the caller has checked. If the marker already exists (a
   * repeated call, or a purge that crashed before its deletes), its record is kept (first reason
   * and actor win) and the deletes are done again; objects deleted now that the stored record does
   * not list (written by a foreign writer after the marker) are added to the record returned, not
   * to the stored one, which is write-once.
   */
  PurgeRecord purge(String modelId, int version, String reason, String actor) {
    // Checks reason and actor even when a stored record makes them unused.
    new PurgeRecord(modelId, version, reason, actor, clock.instant(), List.of(), 0);
    String markerKey = ModelKeys.object(modelId, version, ModelKeys.PURGED);
    PurgeRecord record = purged(modelId, version).orElse(null);
    if (record == null) {
      List<Bucket.Entry> doomed = doomed(modelId, version);
      PurgeRecord planned =
          new PurgeRecord(
              modelId,
              version,
              reason,
              actor,
              clock.instant().truncatedTo(ChronoUnit.MILLIS),
              doomed.stream().map(Bucket.Entry::key).toList(),
              doomed.stream().mapToLong(Bucket.Entry::size).sum());
      if (bucket.putIfAbsent(markerKey, encode(planned), ModelStore.JSON)) {
        record = planned;
      } else {
        // A concurrent purge wrote its marker first: its record stands, the deletes are shared.
        record =
            purged(modelId, version)
                .orElseThrow(
                    () ->
                        new StoreException(
                            bucket.where(markerKey) + " vanished after a lost race"));
      }
    }
    for (String key : record.deletedObjects()) {
      bucket.remove(key);
    }
    Set<String> extra = new LinkedHashSet<>();
    long extraBytes = 0;
    for (Bucket.Entry e : doomed(modelId, version)) {
      bucket.remove(e.key());
      if (!record.deletedObjects().contains(e.key())) {
        extra.add(e.key());
        extraBytes += e.size();
      }
    }
    if (extra.isEmpty()) {
      return record;
    }
    List<String> all = new ArrayList<>(record.deletedObjects());
    all.addAll(extra);
    return new PurgeRecord(
        modelId,
        version,
        record.reason(),
        record.actor(),
        record.purgedAt(),
        all,
        record.deletedBytes() + extraBytes);
  }

  /** The version's purge record, if it was purged. */
  Optional<PurgeRecord> purged(String modelId, int version) {
    String key = ModelKeys.object(modelId, version, ModelKeys.PURGED);
    return bucket
        .get(key)
        .map(
            bytes -> {
              PurgeRecord r = json.decode(key, bytes, PurgeRecord.class, "purge record");
              if (!r.modelId().equals(modelId) || r.version() != version) {
                throw new CorruptObjectException(
                    bucket.where(key) + " describes another model version");
              }
              return r;
            });
  }

  /**
   * @throws PurgedException if the version was purged
   */
  void requireNotPurged(String modelId, int version) {
    Optional<PurgeRecord> r = purged(modelId, version);
    if (r.isPresent()) {
      throw new PurgedException(r.get());
    }
  }

  /** The version's objects a purge deletes, in listing order. */
  private List<Bucket.Entry> doomed(String modelId, int version) {
    String prefix = ModelKeys.versionPrefix(modelId, version);
    return bucket.list(prefix).stream()
        .filter(e -> !KEPT.contains(e.key().substring(prefix.length())))
        .toList();
  }

  private byte[] encode(PurgeRecord r) {
    return json.encode(r, "a purge record");
  }
}
