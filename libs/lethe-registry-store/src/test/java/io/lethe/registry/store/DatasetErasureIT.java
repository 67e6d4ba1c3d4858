package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.testutils.s3.BucketScan;
import io.lethe.testutils.s3.ForgottenData;
import io.minio.MinioClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Erasure at the storage level, proved by reading every object of the bucket: before {@code erase},
 * the erased subjects' image bytes, sample rows and subject ids are in S3; after it, in no object
 * at all, while everyone else's samples still materialise identically.
 */
class DatasetErasureIT {
  private final MinioClient client = Fixtures.client();

  @Test
  void erasedSubjectsLeaveNoByteOfTheirSamplesInAnyObject() throws Exception {
    String bucket = Fixtures.uniqueBucket("lethe-erasure-it");
    DatasetStore store = new DatasetStore(client, bucket);
    ImageDataset original =
        IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR)
            .optTrainLimit(1000)
            .optTestLimit(200)
            .build()
            .read();
    List<String> train = trainSubjects(original);
    List<String> erased = train.subList(0, 3);
    List<String> kept = train.subList(3, 6);
    Map<String, byte[]> erasedNeedles = needles(original, Set.copyOf(erased));
    Map<String, byte[]> keptNeedles = needles(original, Set.copyOf(kept));
    store.putSnapshot("fmnist", original);

    // The needles are the bytes as stored: images.bin holds exactly these images.
    byte[] packed =
        new Bucket(client, bucket).get(DatasetStore.snapshotKey("fmnist", "images.bin")).get();
    List<byte[]> stored = PackedImages.unpack(packed, "images.bin").images();
    Sample first = samplesOf(original, erased.get(0)).get(0);
    assertThat(stored.get(first.index())).isEqualTo(erasedNeedles.get("image " + first.sampleId()));

    BucketScan.Result before = BucketScan.scan(client, bucket, erasedNeedles);
    report("before erase", before, erasedNeedles);
    assertThat(before.hits().values().stream().flatMap(Set::stream).distinct().count())
        .as("every erased needle is in S3 before erasure")
        .isEqualTo(erasedNeedles.size());

    assertThatThrownBy(() -> store.erase("fmnist", List.of(erased.get(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not tombstoned");
    DatasetRevision tombstoned = store.tombstone("fmnist", erased);
    int tombstonedSamples = 0;
    for (String s : erased) {
      tombstonedSamples += samplesOf(original, s).size();
    }
    ErasureRecord one = store.erase("fmnist", erased.subList(0, 2));
    ErasureRecord two = store.erase("fmnist", erased);

    assertThat(one.generation()).isEqualTo(1);
    assertThat(one.subjects()).containsExactlyElementsOf(new TreeSet<>(erased.subList(0, 2)));
    assertThat(one.deletedObjects())
        .containsExactlyInAnyOrder(
            "datasets/fmnist/v0/samples.csv", "datasets/fmnist/v0/images.bin");
    assertThat(two.generation()).isEqualTo(2);
    assertThat(two.subjects()).containsExactly(erased.get(2));
    assertThat(one.samplesRemoved() + two.samplesRemoved()).isEqualTo(tombstonedSamples);
    assertThat(two.deletedObjects()).hasSize(2).allMatch(k -> k.contains("/snapshots/1/"));

    BucketScan.Result after = BucketScan.scan(client, bucket, erasedNeedles);
    report("after erase", after, erasedNeedles);
    assertThat(after.hits()).as("objects still holding erased samples").isEmpty();
    BucketScan.Result control = BucketScan.scan(client, bucket, keptNeedles);
    assertThat(control.hits().values().stream().flatMap(Set::stream).distinct().count())
        .as("the other subjects' samples are all still stored")
        .isEqualTo(keptNeedles.size());

    // Reads: every version without the erased subjects; everyone else byte-identical.
    ImageDataset withoutErased = original.withoutSubjects(Set.copyOf(erased));
    // What is held is the dataset without them; its identity stays the upload's, which the
    // checkpoints trained on it record.
    assertThat(store.materialise("fmnist", 0).contentFingerprint())
        .isEqualTo(withoutErased.fingerprint());
    assertThat(store.materialise("fmnist", 0).fingerprint()).isEqualTo(original.fingerprint());
    assertThat(store.materialise("fmnist", 0).erasedSubjects())
        .containsExactlyInAnyOrderElementsOf(erased);
    assertThat(store.materialise("fmnist", tombstoned.version()).contentFingerprint())
        .isEqualTo(withoutErased.fingerprint());
    assertThat(store.subjectSamples("fmnist", 0)).doesNotContainKeys(erased.toArray(String[]::new));
    assertThat(store.subjectSamples("fmnist", 0).keySet()).containsAll(kept);
    DatasetDescriptor d = store.snapshot("fmnist").orElseThrow();
    assertThat(d.generation()).isEqualTo(2);
    assertThat(d.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(d.contentFingerprint()).isEqualTo(withoutErased.fingerprint());
    assertThat(d.erasedSubjects()).containsExactlyElementsOf(new TreeSet<>(erased));
    assertThat(store.erasedSubjects("fmnist")).containsExactlyElementsOf(new TreeSet<>(erased));

    // Tombstones are unchanged; erased subjects are still accepted as (already) tombstoned.
    assertThat(store.tombstonedSubjects("fmnist", store.latest("fmnist"))).containsAll(erased);
    assertThat(store.tombstone("fmnist", erased)).isEqualTo(tombstoned);
    assertThat(store.tombstone("fmnist", List.of(kept.get(0))).tombstonedSubjects())
        .contains(kept.get(0))
        .containsAll(erased);
    // Re-uploading the original is still recognised, and resurrects nothing.
    assertThat(store.putSnapshot("fmnist", original).generation()).isEqualTo(2);

    // Idempotent: nothing new, nothing written.
    int objects = BucketScan.scan(client, bucket, Map.of()).objectsScanned();
    ErasureRecord again = store.erase("fmnist", erased);
    assertThat(again.erasedAnything()).isFalse();
    assertThat(again.generation()).isEqualTo(2);
    assertThat(again.deletedObjects()).isEmpty();
    assertThat(BucketScan.scan(client, bucket, Map.of()).objectsScanned()).isEqualTo(objects);
  }

  @Test
  void whatKilledErasersLeaveBehindIsDeleted() {
    String bucket = Fixtures.uniqueBucket("lethe-erasure-crash-it");
    DatasetStore store = new DatasetStore(client, bucket);
    Bucket raw = new Bucket(client, bucket);
    ImageDataset original = Fixtures.dataset(6, 3);
    store.putSnapshot("crash", original);
    store.tombstone("crash", List.of("s001", "s002"));
    Map<String, byte[]> needles = needles(original, Set.of("s001"));
    byte[] v0Images = raw.get(DatasetStore.snapshotKey("crash", "images.bin")).get();
    byte[] v0Samples = raw.get(DatasetStore.snapshotKey("crash", "samples.csv")).get();

    // Killed before its descriptor: an upload of generation 1 nobody reads.
    String dead = "datasets/crash/snapshots/1/00000000deadbeef/";
    raw.put(dead + "images.bin", v0Images, "application/octet-stream");
    raw.put(dead + "samples.csv", v0Samples, "text/csv");
    assertThat(store.sweepAbandoned("crash", Instant.now().minusSeconds(3600)))
        .as("a fresh upload may be a live writer's")
        .isEmpty();
    ErasureRecord erased = store.erase("crash", List.of("s001"));
    assertThat(erased.generation()).isEqualTo(1);
    assertThat(erased.deletedObjects())
        .contains(dead + "images.bin", dead + "samples.csv")
        .contains("datasets/crash/v0/images.bin", "datasets/crash/v0/samples.csv");
    assertThat(BucketScan.scan(client, bucket, needles).hits()).isEmpty();

    // Killed after its descriptor, before deleting: the older generation's objects are still there.
    raw.put(DatasetStore.snapshotKey("crash", "images.bin"), v0Images, "application/octet-stream");
    BucketScan.Result crashed = BucketScan.scan(client, bucket, needles);
    assertThat(crashed.hits()).isNotEmpty();
    ErasureRecord retried = store.erase("crash", List.of("s001"));
    assertThat(retried.erasedAnything()).isFalse();
    assertThat(retried.deletedObjects()).containsExactly("datasets/crash/v0/images.bin");
    BucketScan.Result recovered = BucketScan.scan(client, bucket, needles);
    report("killed eraser, then retried", recovered, needles);
    assertThat(recovered.hits()).isEmpty();

    // Killed above the newest generation, long ago: swept once past the grace.
    String stale = "datasets/crash/snapshots/2/00000000cafebabe/images.bin";
    raw.put(stale, v0Images, "application/octet-stream");
    assertThat(store.sweepAbandoned("crash", Instant.now().plusSeconds(60))).containsExactly(stale);
    // A killed putSnapshot (no descriptor) is swept too.
    raw.put("datasets/half/v0/images.bin", v0Images, "application/octet-stream");
    assertThat(store.sweepAbandoned("half", Instant.now().plusSeconds(60)))
        .containsExactly("datasets/half/v0/images.bin");
    assertThat(BucketScan.scan(client, bucket, needles).hits()).isEmpty();
    assertThat(store.materialise("crash", 0).contentFingerprint())
        .isEqualTo(original.withoutSubjects(Set.of("s001")).fingerprint());
  }

  @Test
  void concurrentErasersLoseNoErasure() throws Exception {
    String bucket = Fixtures.uniqueBucket("lethe-erasure-race-it");
    DatasetStore store = new DatasetStore(client, bucket);
    ImageDataset original = Fixtures.dataset(10, 5);
    store.putSnapshot("race", original);
    List<String> subjects = List.of("s001", "s003", "s005", "s007");
    store.tombstone("race", subjects);
    Map<String, byte[]> needles = needles(original, Set.copyOf(subjects));

    CyclicBarrier start = new CyclicBarrier(subjects.size());
    ExecutorService pool = Executors.newFixedThreadPool(subjects.size());
    List<Future<ErasureRecord>> calls = new ArrayList<>();
    try {
      for (String s : subjects) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return new DatasetStore(client, bucket).erase("race", List.of(s));
                }));
      }
      List<Integer> generations = new ArrayList<>();
      for (Future<ErasureRecord> call : calls) {
        ErasureRecord r = call.get(120, TimeUnit.SECONDS);
        assertThat(r.subjects()).hasSize(1);
        generations.add(r.generation());
      }
      assertThat(generations).containsExactlyInAnyOrder(1, 2, 3, 4);
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.erasedSubjects("race")).containsExactlyElementsOf(subjects);
    assertThat(store.materialise("race", 0).contentFingerprint())
        .isEqualTo(original.withoutSubjects(Set.copyOf(subjects)).fingerprint());
    BucketScan.Result after = BucketScan.scan(client, bucket, needles);
    report("after 4 concurrent erasers", after, needles);
    assertThat(after.hits()).isEmpty();
    List<String> dataObjects =
        new Bucket(client, bucket)
            .keys("datasets/race/").stream()
                .filter(k -> k.endsWith(".csv") || k.endsWith(".bin"))
                .toList();
    assertThat(dataObjects).as("one generation's objects are left").hasSize(2);
  }

  private static void report(String when, BucketScan.Result scan, Map<String, byte[]> needles) {
    System.out.printf(
        "[erasure] %s: %d objects (%d bytes) scanned for %d needles; %d objects hold erased"
            + " data: %s%n",
        when,
        scan.objectsScanned(),
        scan.bytesScanned(),
        needles.size(),
        scan.hits().size(),
        scan.hits().keySet());
  }

  private static List<String> trainSubjects(ImageDataset ds) {
    TreeSet<String> subjects = new TreeSet<>();
    for (Sample s : ds.samples()) {
      if (s.split() == Split.TRAIN) {
        subjects.add(s.subjectId());
      }
    }
    return List.copyOf(subjects);
  }

  private static List<Sample> samplesOf(ImageDataset ds, String subject) {
    return ds.samples().stream().filter(s -> s.subjectId().equals(subject)).toList();
  }

  /**
   * The samples of {@code subjects} ({@link ForgottenData#samples}) and, per subject, its id as a
   * CSV field.
   */
  private static Map<String, byte[]> needles(ImageDataset ds, Set<String> subjects) {
    Map<String, byte[]> needles = new LinkedHashMap<>(ForgottenData.samples(ds, subjects));
    for (String subject : subjects) {
      needles.put("subject " + subject, ("," + subject + ",").getBytes(StandardCharsets.UTF_8));
    }
    return needles;
  }
}
