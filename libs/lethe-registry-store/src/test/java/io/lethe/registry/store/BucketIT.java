package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The S3 features the store relies on, against the real server. */
class BucketIT {
  private static Bucket bucket;

  @BeforeAll
  static void createBucket() {
    bucket = new Bucket(Fixtures.client(), Fixtures.uniqueBucket("lethe-bucket-it"));
    bucket.ensureExists();
  }

  @Test
  void putIfAbsentWritesOnceAndRefusesTheSecondWriter() {
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);

    assertThat(bucket.putIfAbsent("claims/a.json", first, ModelStore.JSON)).isTrue();
    assertThat(bucket.putIfAbsent("claims/a.json", second, ModelStore.JSON)).isFalse();

    assertThat(bucket.get("claims/a.json")).hasValue(first);
  }

  @Test
  void getOfAMissingKeyIsEmpty() {
    assertThat(bucket.get("no/such/key")).isEmpty();
  }

  @Test
  void keysListsRecursivelyUnderAPrefix() {
    byte[] x = {1};
    bucket.put("list/a/1", x, ModelStore.BINARY);
    bucket.put("list/a/b/2", x, ModelStore.BINARY);
    bucket.put("other/3", x, ModelStore.BINARY);

    assertThat(bucket.keys("list/")).containsExactly("list/a/1", "list/a/b/2");
  }

  @Test
  void ensureExistsIsIdempotent() {
    bucket.ensureExists();
    bucket.put("again", new byte[] {2}, ModelStore.BINARY);
    assertThat(bucket.get("again")).hasValue(new byte[] {2});
  }
}
