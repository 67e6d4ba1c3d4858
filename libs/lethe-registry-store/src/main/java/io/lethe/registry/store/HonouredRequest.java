package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/**
 * A forget request honoured by a version that existed before it: every subject it names was already
 * forgotten by {@code version} (made for earlier requests), so no version was made for it. Stored
 * write-once at {@code models/{modelId}/honoured/{requestId}.json} ({@link
 * ModelStore#recordHonouredBy}); the first record of a request stands.
 *
 * @param version the version that honours the request (and every descendant of it)
 * @param recordedAt when the record was written: from then on the request counts as honoured by
 *     {@code version}
 */
public record HonouredRequest(String modelId, String requestId, int version, Instant recordedAt) {

  @JsonCreator
  public HonouredRequest(
      @JsonProperty("modelId") String modelId,
      @JsonProperty("requestId") String requestId,
      @JsonProperty("version") int version,
      @JsonProperty("recordedAt") Instant recordedAt) {
    this.modelId = ModelKeys.requireName(modelId, "modelId");
    this.requestId = ModelKeys.requireId(requestId, "requestId");
    this.version = ModelKeys.requireVersion(version);
    this.recordedAt = Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
