package io.lethe.registry.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link DatasetStore#erase} did.
 *
 * @param generation the snapshot generation now current: the one written, or the existing one if
 *     nothing new was erased
 * @param subjects the subjects erased by this call, sorted; empty if every subject asked for was
 *     already erased (then no generation was written)
 * @param samplesRemoved how many samples (of every split) the new generation no longer holds
 * @param deletedObjects every key this call deleted: the older generations' {@code samples.csv} and
 *     {@code images.bin}, and half-written generations of killed or losing erasers
 * @param erasedAt when the call finished its writes
 */
public record ErasureRecord(
    String datasetId,
    int generation,
    List<String> subjects,
    int samplesRemoved,
    List<String> deletedObjects,
    Instant erasedAt) {

  public ErasureRecord {
    ModelKeys.requireName(datasetId, "datasetId");
    if (generation < 0 || samplesRemoved < 0) {
      throw new IllegalArgumentException("generation and samplesRemoved must be >= 0");
    }
    subjects = List.copyOf(subjects);
    deletedObjects = List.copyOf(deletedObjects);
    Objects.requireNonNull(erasedAt, "erasedAt");
  }

  /** Whether this call erased anything new (otherwise it at most finished earlier deletes). */
  public boolean erasedAnything() {
    return !subjects.isEmpty();
  }
}
