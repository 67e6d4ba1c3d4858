package io.lethe.registry.store;

/**
 * An object's bytes do not match the SHA-256 (or size) its manifest records: it was altered or
 * truncated after it was written. The store refuses to return such bytes, because serving a model
 * that is not the recorded one would silently undo an unlearning.
 */
public final class CorruptObjectException extends StoreException {
  public CorruptObjectException(String message) {
    super(message);
  }
}
