package io.lethe.intake.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedLruTest {
  @Test
  void forgetsTheLeastRecentlyUsedBeyondCapacity() {
    BoundedLru<String, Integer> lru = new BoundedLru<>(2);
    lru.put("a", 1);
    lru.put("b", 2);
    assertThat(lru.get("a")).contains(1); // a is now more recent than b
    lru.put("c", 3);

    assertThat(lru.get("b")).isEmpty();
    assertThat(lru.get("a")).contains(1);
    assertThat(lru.get("c")).contains(3);
    assertThat(lru.size()).isEqualTo(2);
  }

  @Test
  void removesAndRejectsANonPositiveCapacity() {
    BoundedLru<String, Integer> lru = new BoundedLru<>(1);
    lru.put("a", 1);
    lru.remove("a");
    assertThat(lru.get("a")).isEmpty();
    assertThatThrownBy(() -> new BoundedLru<>(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
