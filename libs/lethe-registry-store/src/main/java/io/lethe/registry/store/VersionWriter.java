package io.lethe.registry.store;

import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.ModelVersionManifest.StoredObject;
import io.lethe.format.checkpoint.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Writes new versions of {@link ModelStore}: checks the manifest against its schema, claims a
 * number ({@link VersionClaims}), uploads {@code parameters.bin} and {@code checkpoint.json} and
 * verifies each, records the requests the version was made for ({@link RequestIndex}), and only
 * then writes {@code manifest.json}, which makes the version visible.
 */
final class VersionWriter {
  private final Bucket bucket;
  private final MessageCodec codec;
  private final Clock clock;
  private final UploadListener uploadListener;
  private final VersionManifests manifests;
  private final VersionClaims claims;
  private final RequestIndex requests;

  VersionWriter(
      Bucket bucket,
      MessageCodec codec,
      Clock clock,
      UploadListener uploadListener,
      VersionManifests manifests,
      VersionClaims claims,
      RequestIndex requests) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uploadListener = Objects.requireNonNull(uploadListener, "uploadListener");
    this.manifests = Objects.requireNonNull(manifests, "manifests");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  /** See {@link ModelStore#putVersion}. */
  ModelVersionManifest put(String modelId, NewVersion v) {
    if (v.parentVersion() != null && !manifests.isVisible(modelId, v.parentVersion())) {
      throw new NotFoundException(
          "parent version v"
              + v.parentVersion()
              + " of model "
              + modelId
              + " is not a visible version; store the parent first");
    }
    byte[] parameters = v.parameterBytes();
    byte[] checkpoint = v.checkpointBytes();
    List<StoredObject> objects =
        List.of(
            new StoredObject(ModelKeys.PARAMETERS, Sha256.of(parameters), parameters.length),
            new StoredObject(ModelKeys.CHECKPOINT, Sha256.of(checkpoint), checkpoint.length));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    codec.encode(manifestOf(modelId, 1, v, objects, now)); // fail before taking a number

    int version = claims.claim(modelId, now);
    ModelVersionManifest manifest = manifestOf(modelId, version, v, objects, now);
    byte[] manifestBytes = codec.encode(manifest);
    long uploadStart = System.nanoTime();
    bucket.putVerified(
        ModelKeys.object(modelId, version, ModelKeys.PARAMETERS), parameters, ModelStore.BINARY);
    bucket.putVerified(
        ModelKeys.object(modelId, version, ModelKeys.CHECKPOINT), checkpoint, ModelStore.JSON);
    requests.record(modelId, v.forgetRequestIds(), version);
    String manifestKey = ModelKeys.object(modelId, version, ModelKeys.MANIFEST);
    if (!bucket.putIfAbsent(manifestKey, manifestBytes, ModelStore.JSON)) {
      throw new StoreException(
          bucket.where(manifestKey)
              + " already exists although this writer claimed v"
              + version
              + ": another writer ignored the claim protocol");
    }
    uploadListener.uploaded(
        modelId,
        version,
        (long) parameters.length + checkpoint.length,
        Duration.ofNanos(System.nanoTime() - uploadStart));
    return manifest;
  }

  private ModelVersionManifest manifestOf(
      String modelId, int version, NewVersion v, List<StoredObject> objects, Instant now) {
    return new ModelVersionManifest(
        modelId,
        version,
        v.parentVersion(),
        v.method(),
        v.forgetRequestIds(),
        v.subjectsForgotten(),
        v.datasetVersion(),
        "s3://" + bucket.name() + "/" + ModelKeys.versionPrefix(modelId, version),
        objects,
        null,
        now,
        v.datasetId(),
        v.datasetRevision(),
        v.checkpoint().format());
  }
}
