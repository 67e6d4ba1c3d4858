package io.lethe.registry.store;

/**
 * The object store could not do what was asked: S3 failed or answered unexpectedly, or an object
 * the store expects is absent. The message names the bucket and key, since whoever reads it must
 * find the object.
 */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
