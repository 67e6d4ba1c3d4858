package io.lethe.registry.store;

import io.lethe.api.ModelVersionManifest;
import io.lethe.format.checkpoint.Checkpoint;
import java.util.Objects;

/**
 * One stored version's checkpoint, read and verified in memory: the registry manifest it was listed
 * under and the checkpoint (manifest and parameter bytes). Every object was checked against the
 * registry manifest's SHA-256 and size, and the parameters against the checkpoint manifest, so the
 * engine can restore it without touching the disk.
 *
 * @param version the registry's manifest of the version
 * @param checkpoint the checkpoint stored with it
 */
public record StoredCheckpoint(ModelVersionManifest version, Checkpoint checkpoint) {
  public StoredCheckpoint {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(checkpoint, "checkpoint");
  }
}
