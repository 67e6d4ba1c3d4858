package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.ImageDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatasetStoreIT {
  private static final String bucket = Fixtures.uniqueBucket("lethe-datasets-it");
  private static DatasetStore store;

  @BeforeAll
  static void open() {
    store = new DatasetStore(Fixtures.settings(bucket));
  }

  @Test
  void tombstonesAccumulateAlongVersions() {
    DatasetRevision v1 = store.putTombstones("mufac", 0, List.of("subject-42", "subject-17"));
    DatasetRevision v2 = store.putTombstones("mufac", v1.version(), List.of("subject-3"));

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
    DatasetRevision v1 = store.putTombstones("idempotent", 0, List.of("s-1"));

    assertThat(store.putTombstones("idempotent", 1, List.of("s-1"))).isEqualTo(v1);
    assertThat(store.versions("idempotent")).containsExactly(1);
  }

  @Test
  void aBranchFromAnOlderVersionGetsTheNextNumber() {
    store.putTombstones("branched", 0, List.of("a"));
    store.putTombstones("branched", 1, List.of("b"));

    DatasetRevision fromV1 = store.putTombstones("branched", 1, List.of("c"));

    assertThat(fromV1.version()).isEqualTo(3);
    assertThat(fromV1.tombstonedSubjects()).containsExactly("a", "c");
  }

  @Test
  void aSnapshotMaterialisesWithItsFingerprintAndEachVersionWithoutItsTombstones() {
    ImageDataset original = Fixtures.dataset(6, 1);
    DatasetDescriptor d = store.putSnapshot("snap", original);

    assertThat(d.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(d.samples()).isEqualTo(original.size());
    assertThat(d.classCount()).isEqualTo(10);
    assertThat(d.objects())
        .extracting(DatasetDescriptor.StoredObject::key)
        .containsExactly("samples.csv", "images.bin");
    assertThat(store.materialise("snap", 0).fingerprint()).isEqualTo(original.fingerprint());
    assertThat(store.subjectSamples("snap", 0))
        .containsOnlyKeys("s000", "s001", "s002", "s003", "s004", "s005")
        .containsEntry("s001", List.of("train/s001_0.png", "train/s001_1.png", "train/s001_2.png"));

    DatasetRevision v1 = store.tombstone("snap", List.of("s001", "s004"));
    DatasetRevision v2 = store.tombstone("snap", List.of("s002"));

    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.baseVersion()).isEqualTo(1);
    assertThat(v2.tombstonedSubjects()).containsExactly("s001", "s002", "s004");
    assertThat(store.tombstone("snap", List.of("s001"))).isEqualTo(v2);
    ImageDataset atV2 = store.materialise("snap", 2);
    assertThat(atV2.fingerprint())
        .isEqualTo(original.withoutSubjects(Set.of("s001", "s002", "s004")).fingerprint());
    assertThat(atV2.samples()).noneMatch(s -> s.subjectId().equals("s002"));
    assertThat(store.subjectSamples("snap", 2)).containsOnlyKeys("s000", "s003", "s005");
    assertThat(store.subjectSamples("snap", 1)).containsKey("s002");
  }

  @Test
  void reUploadingTheSameSnapshotIsHarmlessButOtherContentIsRefused() {
    ImageDataset data = Fixtures.dataset(3, 2);
    DatasetDescriptor first = store.putSnapshot("immutable", data);

    assertThat(store.putSnapshot("immutable", data)).isEqualTo(first);
    assertThatThrownBy(() -> store.putSnapshot("immutable", Fixtures.dataset(3, 3)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("already has a snapshot with fingerprint " + first.fingerprint());
  }

  @Test
  void onASnapshotOnlySubjectsWithTrainSamplesCanBeTombstoned() {
    store.putSnapshot("checked", Fixtures.dataset(3, 4));

    assertThatThrownBy(() -> store.tombstone("checked", List.of("s000", "ghost", "s004")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 of the 3 subject(s) have no TRAIN samples in dataset checked")
        .hasMessageNotContaining("ghost");
    assertThatThrownBy(() -> store.putTombstones("checked", 0, List.of("ghost")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.versions("checked")).isEmpty();
  }

  @Test
  void concurrentTombstonesOnTheLatestVersionAreNeverLost() throws Exception {
    store.putSnapshot("racy", Fixtures.dataset(8, 5));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DatasetRevision>> writes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String subject = String.format("s%03d", i);
        writes.add(pool.submit(() -> store.tombstone("racy", List.of(subject))));
      }
      for (Future<DatasetRevision> w : writes) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int latest = store.latest("racy");
    assertThat(latest).isEqualTo(8);
    assertThat(store.tombstonedSubjects("racy", latest)).hasSize(8);
    assertThat(store.subjectSamples("racy", latest)).isEmpty();
  }

  @Test
  void aTamperedSnapshotObjectIsRefused() {
    store.putSnapshot("tampered", Fixtures.dataset(2, 6));
    Bucket raw = new Bucket(Fixtures.client(), bucket);
    byte[] csv = raw.get(DatasetStore.snapshotKey("tampered", "samples.csv")).orElseThrow();
    csv[csv.length - 2] = (byte) 'x';
    raw.put(DatasetStore.snapshotKey("tampered", "samples.csv"), csv, "text/csv");

    assertThatThrownBy(() -> store.materialise("tampered", 0))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("samples.csv: sha256");
    assertThatThrownBy(() -> store.materialise("never-uploaded", 0))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("dataset never-uploaded has no snapshot");
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
