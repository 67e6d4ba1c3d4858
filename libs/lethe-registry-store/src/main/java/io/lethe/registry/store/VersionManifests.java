package io.lethe.registry.store;

import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.ModelVersionManifest.StoredObject;
import java.util.List;
import java.util.Objects;

/**
 * The visible versions of {@link ModelStore} and their objects. A version is visible exactly when
 * its {@code manifest.json} exists; every object read through a manifest is re-hashed against it,
 * so a read never trusts S3.
 */
final class VersionManifests {
  private final Bucket bucket;
  private final MessageCodec codec;
  private final ModelPurge purges;

  VersionManifests(Bucket bucket, MessageCodec codec, ModelPurge purges) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.purges = Objects.requireNonNull(purges, "purges");
  }

  /** Every model with at least one visible version, sorted. */
  List<String> models() {
    return bucket.keys(ModelKeys.ROOT).stream()
        .filter(ModelKeys::isManifest)
        .map(k -> k.substring(ModelKeys.ROOT.length(), k.indexOf('/', ModelKeys.ROOT.length())))
        .distinct()
        .sorted()
        .toList();
  }

  /** The visible versions of {@code modelId}, ascending. */
  List<Integer> versions(String modelId) {
    return bucket.keys(ModelKeys.modelPrefix(modelId)).stream()
        .filter(ModelKeys::isManifest)
        .map(k -> ModelKeys.version(k).getAsInt())
        .distinct()
        .sorted()
        .toList();
  }

  boolean isVisible(String modelId, int version) {
    return bucket.get(ModelKeys.object(modelId, version, ModelKeys.MANIFEST)).isPresent();
  }

  /**
   * The manifest of a version whose objects may be read: visible and not purged.
   *
   * @throws PurgedException if the version was purged
   */
  ModelVersionManifest readable(String modelId, int version) {
    ModelVersionManifest m = stored(modelId, version);
    purges.requireNotPurged(modelId, version);
    return m;
  }

  /**
   * The manifest as {@link ModelStore#putVersion} wrote it, without metrics.
   *
   * @throws NotFoundException if the version is not visible
   */
  ModelVersionManifest stored(String modelId, int version) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireVersion(version);
    String key = ModelKeys.object(modelId, version, ModelKeys.MANIFEST);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "model "
                            + modelId
                            + " has no visible version v"
                            + version
                            + " ("
                            + bucket.where(key)
                            + " does not exist)"));
    ModelVersionManifest m = decode(key, bytes, ModelVersionManifest.class);
    if (!m.modelId().equals(modelId) || m.version() != version) {
      throw new CorruptObjectException(
          bucket.where(key)
              + " describes model "
              + m.modelId()
              + " v"
              + m.version()
              + ", not this key");
    }
    return m;
  }

  /** A contract record stored at {@code key}; unreadable is corrupt. */
  <T extends Record> T decode(String key, byte[] bytes, Class<T> type) {
    try {
      return codec.decode(bytes, type);
    } catch (ContractViolation e) {
      throw new CorruptObjectException(bucket.where(key) + " is unreadable: " + e.getMessage());
    }
  }

  /**
   * The object {@code name} of the version {@code m} describes, checked against the size and
   * SHA-256 the manifest lists.
   *
   * @throws CorruptObjectException if it is missing or does not match
   */
  byte[] readVerified(ModelVersionManifest m, String name) {
    StoredObject expected =
        m.objects().stream()
            .filter(o -> o.key().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new CorruptObjectException(
                        "the manifest of model "
                            + m.modelId()
                            + " v"
                            + m.version()
                            + " lists no "
                            + name));
    String key = ModelKeys.object(m.modelId(), m.version(), name);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new CorruptObjectException(
                        bucket.where(key)
                            + " is missing although the version's manifest lists it"));
    return bucket.requireAsListed(key, bytes, expected.sha256(), expected.bytes(), "manifest");
  }
}
