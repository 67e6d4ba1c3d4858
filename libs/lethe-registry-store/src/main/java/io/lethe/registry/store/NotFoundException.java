package io.lethe.registry.store;

/** A model, version, alias or dataset version that is not (or not yet visibly) in the store. */
public final class NotFoundException extends StoreException {
  public NotFoundException(String message) {
    super(message);
  }
}
