package io.lethe.registry.store;

import java.time.Duration;

/**
 * Told once per version stored by {@link ModelStore#putVersion}, after its manifest made it
 * visible: how many bytes were uploaded (parameters plus checkpoint manifest) and how long the
 * verified uploads took (write, read back, hash; the version-number claim is not included). Lets a
 * service record checkpoint sizes and upload times without the store knowing about metrics. Runs on
 * the caller's thread; must not throw.
 */
@FunctionalInterface
public interface UploadListener {
  UploadListener NONE = (modelId, version, bytes, elapsed) -> {};

  void uploaded(String modelId, int version, long bytes, Duration elapsed);
}
