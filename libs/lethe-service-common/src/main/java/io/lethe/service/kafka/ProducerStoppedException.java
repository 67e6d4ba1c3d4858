package io.lethe.service.kafka;

/**
 * A send on a producer that is not running (not yet started, or stopped because the service is
 * shutting down). Says nothing about the record being sent: a consumer that meets it while handling
 * a record leaves the record uncommitted for the next start or owner, instead of dead-lettering it.
 */
public final class ProducerStoppedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ProducerStoppedException() {
    super("producer not started (or stopped)");
  }
}
