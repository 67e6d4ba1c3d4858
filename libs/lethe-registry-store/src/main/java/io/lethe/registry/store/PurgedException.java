package io.lethe.registry.store;

import java.util.Objects;

/**
 * A model version was purged: its parameters and checkpoint were deleted on purpose and will never
 * come back (an API answers 410 Gone, not 404). Not a {@link NotFoundException}: the version still
 * exists, its manifest and lineage stay readable.
 */
public final class PurgedException extends StoreException {
  private final PurgeRecord record;

  public PurgedException(PurgeRecord record) {
    super(
        "model "
            + Objects.requireNonNull(record, "record").modelId()
            + " v"
            + record.version()
            + " was purged at "
            + record.purgedAt()
            + " by "
            + record.actor()
            + " ("
            + record.reason()
            + "): its parameters and checkpoint are deleted, only its manifest and evaluation"
            + " remain");
    this.record = record;
  }

  /** What was purged, when, by whom and why. */
  public PurgeRecord record() {
    return record;
  }
}
