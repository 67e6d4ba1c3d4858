package io.lethe.registry.store;

import io.lethe.api.ModelVersionManifest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which version of {@link ModelStore} was made for a forget request: one small object per request
 * ({@code madeFor/{requestId}}, the version number as text), written before the version's manifest,
 * so that finding the version of a request is one read however many versions there are.
 */
final class RequestIndex {
  private final Bucket bucket;
  private final VersionManifests manifests;

  RequestIndex(Bucket bucket, VersionManifests manifests) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.manifests = Objects.requireNonNull(manifests, "manifests");
  }

  /** Records {@code version} as made for each of {@code requestIds}. */
  void record(String modelId, List<String> requestIds, int version) {
    for (String requestId : requestIds) {
      bucket.put(
          ModelKeys.madeFor(modelId, requestId),
          Integer.toString(version).getBytes(StandardCharsets.US_ASCII),
          ModelStore.TEXT);
    }
  }

  /** See {@link ModelStore#versionMadeFor}. */
  Optional<ModelVersionManifest> versionMadeFor(String modelId, String requestId) {
    String key = ModelKeys.madeFor(modelId, requestId);
    Optional<byte[]> stored = bucket.get(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    int version;
    try {
      version = Integer.parseInt(new String(stored.get(), StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      throw new CorruptObjectException(bucket.where(key) + " does not hold a version number");
    }
    if (!manifests.isVisible(modelId, version)) {
      return Optional.empty();
    }
    ModelVersionManifest m = manifests.stored(modelId, version);
    return m.forgetRequestIds().contains(requestId) ? Optional.of(m) : Optional.empty();
  }
}
