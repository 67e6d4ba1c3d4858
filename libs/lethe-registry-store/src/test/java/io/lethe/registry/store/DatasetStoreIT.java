package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatasetStoreIT {
  private static DatasetStore store;

  @BeforeAll
  static void open() {
    store = new DatasetStore(Fixtures.settings(Fixtures.uniqueBucket("lethe-datasets-it")));
  }

  @Test
  void tombstonesAccumulateAlongVersions() {
    DatasetVersion v1 = store.putTombstones("mufac", 0, List.of("subject-42", "subject-17"));
    DatasetVersion v2 = store.putTombstones("mufac", v1.version(), List.of("subject-3"));

    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.baseVersion()).isEqualTo(1);
    assertThat(v2.newlyTombstoned()).containsExactly("subject-3");
    assertThat(store.tombstonedSubjects("mufac", 0)).isEmpty();
    assertThat(store.tombstonedSubjects("mufac", 1)).containsExactly("subject-17", "subject-42");
    assertThat(store.tombstonedSubjects("mufac", 2))
        .containsExactly("subject-17", "subject-3", "subject-42");
    assertThat(store.versions("mufac")).containsExactly(1, 2);
    assertThat(store.version("mufac", 2)).isEqualTo(v2);
  }

  @Test
  void tombstoningOnlyKnownSubjectsWritesNothing() {
    DatasetVersion v1 = store.putTombstones("idempotent", 0, List.of("s-1"));

    assertThat(store.putTombstones("idempotent", 1, List.of("s-1"))).isEqualTo(v1);
    assertThat(store.versions("idempotent")).containsExactly(1);
  }

  @Test
  void aBranchFromAnOlderVersionGetsTheNextNumber() {
    store.putTombstones("branched", 0, List.of("a"));
    store.putTombstones("branched", 1, List.of("b"));

    DatasetVersion fromV1 = store.putTombstones("branched", 1, List.of("c"));

    assertThat(fromV1.version()).isEqualTo(3);
    assertThat(fromV1.tombstonedSubjects()).containsExactly("a", "c");
  }

  @Test
  void refusesAMissingBaseAndBadSubjects() {
    assertThatThrownBy(() -> store.putTombstones("missing", 5, List.of("x")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("dataset missing has no version v5");
    assertThatThrownBy(() -> store.putTombstones("bad", 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.putTombstones("bad", 0, List.of(" padded ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subject id ' padded ' is invalid");
    assertThat(store.versions("bad")).isEmpty();
  }
}
