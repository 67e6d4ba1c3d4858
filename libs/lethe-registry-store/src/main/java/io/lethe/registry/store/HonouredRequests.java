package io.lethe.registry.store;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link HonouredRequest} records of {@link ModelStore}: one write-once object per request
 * ({@code If-None-Match: *}), so of two writers (a redelivery racing the first delivery) the first
 * record stands and both get it back.
 */
final class HonouredRequests {
  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;

  HonouredRequests(Bucket bucket, StoredJson json, Clock clock) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Writes the record unless the request has one; returns the stored record. */
  HonouredRequest record(String modelId, String requestId, int version) {
    HonouredRequest planned =
        new HonouredRequest(
            modelId, requestId, version, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    String key = ModelKeys.honoured(modelId, requestId);
    if (bucket.putIfAbsent(key, encode(planned), ModelStore.JSON)) {
      return planned;
    }
    return read(modelId, requestId)
        .orElseThrow(() -> new StoreException(bucket.where(key) + " vanished after a lost race"));
  }

  /** The request's record, if it has one. */
  Optional<HonouredRequest> read(String modelId, String requestId) {
    String key = ModelKeys.honoured(modelId, requestId);
    return bucket.get(key).map(bytes -> decode(key, bytes, modelId, requestId));
  }

  /** Every record of {@code modelId}, in key order. */
  List<HonouredRequest> all(String modelId) {
    List<HonouredRequest> records = new ArrayList<>();
    for (String key : bucket.keys(ModelKeys.honouredPrefix(modelId))) {
      Optional<String> requestId = ModelKeys.honouredRequestId(modelId, key);
      if (requestId.isPresent()) {
        bucket
            .get(key)
            .map(bytes -> decode(key, bytes, modelId, requestId.get()))
            .ifPresent(records::add);
      }
    }
    return records;
  }

  private HonouredRequest decode(String key, byte[] bytes, String modelId, String requestId) {
    HonouredRequest r = json.decode(key, bytes, HonouredRequest.class, "honoured-request record");
    if (!r.modelId().equals(modelId) || !r.requestId().equals(requestId)) {
      throw new CorruptObjectException(bucket.where(key) + " describes another model or request");
    }
    return r;
  }

  private byte[] encode(HonouredRequest r) {
    return json.encode(r, "an honoured-request record");
  }
}
