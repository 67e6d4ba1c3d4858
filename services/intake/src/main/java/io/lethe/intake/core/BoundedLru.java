package io.lethe.intake.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A map that forgets its least recently used entry beyond {@code capacity}. Not thread-safe: the
 * intake touches it from its one Vert.x context only.
 */
public final class BoundedLru<K, V> {
  private final int capacity;
  private final LinkedHashMap<K, V> map;

  BoundedLru(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > BoundedLru.this.capacity;
          }
        };
  }

  /** The value, marking it recently used. */
  Optional<V> get(K key) {
    return Optional.ofNullable(map.get(key));
  }

  void put(K key, V value) {
    map.put(key, value);
  }

  void remove(K key) {
    map.remove(key);
  }

  int size() {
    return map.size();
  }

  int capacity() {
    return capacity;
  }
}
