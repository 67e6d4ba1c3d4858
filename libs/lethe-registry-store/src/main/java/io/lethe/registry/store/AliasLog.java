package io.lethe.registry.store;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An alias stored as an append-only sequence of write-once objects, so that moves by several
 * processes are atomic without a lock service.
 *
 * <p><b>Why not one object with a conditional overwrite.</b> Overwriting {@code
 * aliases/{alias}.json} is a read-modify-write: two registry instances moving the same alias both
 * read history H and both write H+their move, and one move is lost although both answered 200. S3's
 * {@code If-Match: <etag>} on PUT would close that race on AWS, but s3proxy 4.1 (our test and local
 * server) checks it with a separate HEAD before writing on its filesystem backend: sequentially it
 * answers 412, but 8 concurrent writers with the same ETag had more than one winner in 4 of 30
 * rounds (measured while building this). {@code If-None-Match: *} is atomic there (a hard link that
 * fails if the name exists) and on AWS, and is what version claims already rely on.
 *
 * <p><b>Layout.</b> Move {@code n} of an alias is {@code aliases/{alias}/{n, 10 digits}.json},
 * written with {@code If-None-Match: *} and holding the <em>whole</em> {@link AliasHistory} after
 * that move; the current state is the entry with the highest {@code n}. A move reads the newest
 * entry {@code n}, decides (validates) against its history, and writes {@code n+1}; if another
 * writer took {@code n+1} first, the write is refused and the caller re-reads and decides again.
 * Every acknowledged move is therefore in every later history exactly once, in the order the writes
 * succeeded. A bucket written before entries existed keeps its single {@code aliases/{alias}.json};
 * it is read when an alias has no entry yet, and the first move writes entry 1 on top of it (stop
 * every registry instance of the old version before starting the new one: old instances would still
 * overwrite the single object, which new instances no longer read once entries exist).
 *
 * <p><b>Cost.</b> Reading an alias is one LIST of its entry keys and one GET of the newest entry.
 * The LIST starts after the newest entry this process has seen ({@code start-after}), so in steady
 * state it returns only the entries written since; the first read in a process lists all of them
 * (1,000 keys per LIST page). A move is a read plus one conditional PUT, repeated per lost race.
 * Entries hold the whole history, so storage grows with the square of the number of moves (100
 * bytes per history entry: 1,000 moves of one alias are about 50 MB in total, the newest entry 100
 * kB) — aliases move a few times a day, not per request.
 *
 * <p>Thread-safe.
 */
final class AliasLog {
  /**
   * The newest entry of an alias as read: {@code seq} 0 = no entry (none, or the legacy object).
   */
  record Head(int seq, Optional<AliasHistory> history) {}

  private final Bucket bucket;
  private final StoredJson json;
  // Newest entry number seen per alias prefix: the LIST starts after it. Entries are never deleted.
  private final ConcurrentMap<String, Integer> newest = new ConcurrentHashMap<>();

  AliasLog(Bucket bucket, StoredJson json) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The alias's newest entry, or the legacy single object if it has no entry, or nothing. */
  Head read(String modelId, String alias) {
    String prefix = ModelKeys.aliasEntries(modelId, alias);
    Integer known = newest.get(prefix);
    int seq = known == null ? 0 : known;
    String startAfter = known == null ? null : ModelKeys.aliasEntry(modelId, alias, known);
    for (String key : bucket.keys(prefix, startAfter)) {
      OptionalInt n = ModelKeys.aliasSeq(prefix, key);
      if (n.isPresent() && n.getAsInt() > seq) {
        seq = n.getAsInt();
      }
    }
    if (seq == 0) {
      String legacy = ModelKeys.alias(modelId, alias);
      return new Head(0, bucket.get(legacy).map(b -> decode(legacy, b, modelId, alias)));
    }
    String key = ModelKeys.aliasEntry(modelId, alias, seq);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new StoreException(
                        bucket.where(prefix)
                            + " lists entry "
                            + key
                            + " but it cannot be read; alias entries are never deleted"));
    remember(prefix, seq);
    return new Head(seq, Optional.of(decode(key, bytes, modelId, alias)));
  }

  /**
   * Writes {@code next} as the entry after {@code head}, unless another writer already wrote that
   * entry.
   *
   * @return false if the entry existed (nothing was written): re-read and decide again
   */
  boolean append(Head head, AliasHistory next) {
    int seq = head.seq() + 1;
    String key = ModelKeys.aliasEntry(next.modelId(), next.alias(), seq);
    byte[] bytes = json.encode(next, "alias history");
    if (!bucket.putIfAbsent(key, bytes, ModelStore.JSON)) {
      return false;
    }
    remember(ModelKeys.aliasEntries(next.modelId(), next.alias()), seq);
    return true;
  }

  private void remember(String prefix, int seq) {
    newest.merge(prefix, seq, Math::max);
  }

  private AliasHistory decode(String key, byte[] bytes, String modelId, String alias) {
    AliasHistory h = json.decode(key, bytes, AliasHistory.class, "alias history");
    if (!h.modelId().equals(modelId) || !h.alias().equals(alias)) {
      throw new CorruptObjectException(
          bucket.where(key)
              + " holds the history of "
              + h.modelId()
              + "/"
              + h.alias()
              + ", not this key");
    }
    return h;
  }
}
