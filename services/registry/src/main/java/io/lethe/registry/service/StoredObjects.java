package io.lethe.registry.service;

import io.lethe.api.ModelVersionManifest;
import io.lethe.api.ModelVersionManifest.StoredObject;
import io.lethe.registry.store.CorruptObjectException;
import io.lethe.registry.store.ModelStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Reads a version's objects for download, verified. The store already refuses bytes that do not
 * match the manifest; this class hashes what it is about to send once more, against the manifest it
 * answers with, so the {@code X-Lethe-Sha256} header and the body can never disagree (a served
 * model that is not the recorded one would silently undo an unlearning). Blocking: call it on the
 * {@code lethe-registry-io} pool.
 */
final class StoredObjects {
  static final String PARAMETERS = "parameters.bin";
  static final String CHECKPOINT = "checkpoint.json";

  /**
   * A verified object.
   *
   * @param sha256 {@code sha256:<hex>}, as in the manifest
   */
  record Download(String key, byte[] bytes, String sha256, String contentType) {}

  private final ModelStore store;

  StoredObjects(ModelStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The manifest's record of {@code key} (e.g. for an {@code If-None-Match} check). */
  StoredObject describe(ModelVersionManifest manifest, String key) {
    return manifest.objects().stream()
        .filter(o -> o.key().equals(key))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound(
                    manifest.modelId() + " v" + manifest.version() + " lists no object " + key));
  }

  /**
   * @throws io.lethe.registry.store.NotFoundException if the version is not visible
   * @throws CorruptObjectException if the bytes do not match the manifest
   */
  Download read(String modelId, int version, String key) {
    ModelVersionManifest manifest = store.manifest(modelId, version);
    StoredObject expected = describe(manifest, key);
    byte[] bytes;
    String contentType;
    if (PARAMETERS.equals(key)) {
      bytes = store.parameters(modelId, version);
      contentType = "application/octet-stream";
    } else if (CHECKPOINT.equals(key)) {
      bytes = store.checkpointJson(modelId, version).getBytes(StandardCharsets.UTF_8);
      contentType = "application/json";
    } else {
      throw ApiException.notFound("no downloadable object " + key);
    }
    String actual = sha256(bytes);
    if (bytes.length != expected.bytes() || !actual.equals(expected.sha256())) {
      throw new CorruptObjectException(
          modelId
              + " v"
              + version
              + " "
              + key
              + ": sha256 "
              + actual
              + " ("
              + bytes.length
              + " bytes) does not match the manifest's "
              + expected.sha256()
              + " ("
              + expected.bytes()
              + " bytes); refusing to send it");
    }
    return new Download(key, bytes, expected.sha256(), contentType);
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
