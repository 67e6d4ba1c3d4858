package io.lethe.registry.store;

/**
 * S3 could not be reached or answered with a server-side error (5xx, {@code SlowDown}): the same
 * call may well succeed later. Callers that can wait (a Kafka consumer) retry instead of turning
 * the outage into a permanent failure.
 */
public final class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
