package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lethe.api.MessageCodec;
import io.lethe.testutils.s3.BucketScan;
import io.minio.MinioClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Purging a model version, proved by reading every object of the bucket: its parameter bytes are in
 * no object afterwards, while its lineage stays readable.
 */
class ModelPurgeIT {
  private static final String MODEL = "purged-model";
  private final MinioClient client = Fixtures.client();

  @Test
  void aPurgedVersionsParametersAreInNoObjectAndItsLineageStays() {
    String bucket = Fixtures.uniqueBucket("lethe-purge-it");
    ModelStore store = new ModelStore(client, bucket);
    byte[] one = parameters(1);
    byte[] two = parameters(2);
    store.putVersion(MODEL, Fixtures.original(one).build());
    store.putVersion(MODEL, Fixtures.original(two).optParentVersion(1).build());
    store.attachEvaluation(Fixtures.evaluation(MODEL, 1, 0.91));
    store.promote(MODEL, "production", 1);
    store.promote(MODEL, "production", 2);
    Map<String, byte[]> needles = Map.of("v1 parameters", one, "v2 parameters", two);

    BucketScan.Result before = BucketScan.scan(client, bucket, needles);
    report("before purge", before);
    assertThat(before.objectsHolding("v1 parameters"))
        .containsExactly("models/" + MODEL + "/v1/parameters.bin");

    PurgeRecord record = store.purge(MODEL, 1, "retention: superseded for 30 days", "purge-it");

    BucketScan.Result after = BucketScan.scan(client, bucket, needles);
    report("after purge", after);
    assertThat(after.objectsHolding("v1 parameters")).isEmpty();
    assertThat(after.objectsHolding("v2 parameters")).as("other versions untouched").hasSize(1);
    assertThat(record.deletedObjects())
        .containsExactly(
            "models/" + MODEL + "/v1/checkpoint.json", "models/" + MODEL + "/v1/parameters.bin");
    assertThat(record.deletedBytes()).isGreaterThan(one.length);
    assertThat(new Bucket(client, bucket).keys("models/" + MODEL + "/v1/"))
        .containsExactly(
            "models/" + MODEL + "/v1/claim.json",
            "models/" + MODEL + "/v1/evaluation.json",
            "models/" + MODEL + "/v1/manifest.json",
            "models/" + MODEL + "/v1/purged.json");
    assertThat(store.purged(MODEL, 1)).contains(record);
    assertThat(store.purged(MODEL, 2)).isEmpty();

    // Reads are refused as Gone, not Not Found; lineage stays.
    for (Runnable read :
        List.<Runnable>of(
            () -> store.parameters(MODEL, 1),
            () -> store.checkpointJson(MODEL, 1),
            () -> store.checkpoint(MODEL, 1))) {
      Throwable thrown = catchThrowable(read::run);
      assertThat(thrown)
          .isInstanceOf(PurgedException.class)
          .isNotInstanceOf(NotFoundException.class);
      assertThat(((PurgedException) thrown).record()).isEqualTo(record);
    }
    assertThat(store.versions(MODEL)).containsExactly(1, 2);
    assertThat(store.manifest(MODEL, 1).metrics().testAccuracy()).isEqualTo(0.91);
    assertThat(store.manifest(MODEL, 2).parentVersion()).isEqualTo(1);
    assertThat(store.parameters(MODEL, 2)).isEqualTo(two);

    // No alias moves to it.
    assertThatThrownBy(() -> store.promote(MODEL, "staging", 1))
        .isInstanceOf(PurgedException.class);
    assertThatThrownBy(() -> store.promoteIf(MODEL, "production", 1, h -> true))
        .isInstanceOf(PurgedException.class);
    assertThatThrownBy(() -> store.rollback(MODEL, "production"))
        .isInstanceOf(PurgedException.class);
    assertThat(store.resolve(MODEL, "production")).isEqualTo(2);
    assertThat(store.aliasHistory(MODEL, "staging")).isEmpty();

    // Idempotent: the first record stands.
    assertThat(store.purge(MODEL, 1, "another reason", "someone-else")).isEqualTo(record);
    assertThatThrownBy(() -> store.purge(MODEL, 9, "r", "a")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.purge(MODEL, 2, " ", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.purged(MODEL, 2)).isEmpty();
  }

  @Test
  void aPurgeKilledBetweenMarkerAndDeletesIsFinishedByTheNextCall() throws Exception {
    String bucket = Fixtures.uniqueBucket("lethe-purge-crash-it");
    ModelStore store = new ModelStore(client, bucket);
    Bucket raw = new Bucket(client, bucket);
    byte[] one = parameters(3);
    store.putVersion(MODEL, Fixtures.original(one).build());
    String v1 = "models/" + MODEL + "/v1/";
    // A foreign object written to the version, which the marker will not list.
    raw.put(v1 + "notes.bin", one, "application/octet-stream");
    // The marker of a purge killed right after writing it (the objects it lists are still there).
    PurgeRecord marker =
        new PurgeRecord(
            MODEL,
            1,
            "erasure of a subject",
            "crashed-purge",
            Instant.parse("2026-01-02T03:04:05Z"),
            List.of(v1 + "checkpoint.json", v1 + "parameters.bin"),
            123);
    raw.put(
        v1 + "purged.json",
        MessageCodec.newObjectMapper().writeValueAsBytes(marker),
        "application/json");
    Map<String, byte[]> needles = Map.of("v1 parameters", one);

    BucketScan.Result crashed = BucketScan.scan(client, bucket, needles);
    report("purge killed after its marker", crashed);
    assertThat(crashed.objectsHolding("v1 parameters")).hasSize(2);
    assertThatThrownBy(() -> store.parameters(MODEL, 1))
        .as("already refused before the deletes")
        .isInstanceOf(PurgedException.class);

    PurgeRecord finished = store.purge(MODEL, 1, "retry", "purge-it");

    BucketScan.Result after = BucketScan.scan(client, bucket, needles);
    report("purge retried", after);
    assertThat(after.hits()).isEmpty();
    assertThat(finished.actor()).isEqualTo("crashed-purge");
    assertThat(finished.deletedObjects())
        .containsExactly(v1 + "checkpoint.json", v1 + "parameters.bin", v1 + "notes.bin");
    assertThat(finished.deletedBytes()).isEqualTo(123 + one.length);
    assertThat(store.purged(MODEL, 1)).as("the stored marker is write-once").contains(marker);
    assertThat(store.manifest(MODEL, 1).version()).isEqualTo(1);
  }

  private static void report(String when, BucketScan.Result scan) {
    System.out.printf(
        "[purge] %s: %d objects (%d bytes) scanned; objects holding parameters: %s%n",
        when, scan.objectsScanned(), scan.bytesScanned(), scan.hits());
  }

  /** Random bytes: a needle no other object holds by chance. */
  private static byte[] parameters(long seed) {
    byte[] bytes = new byte[4096];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
