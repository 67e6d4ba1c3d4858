package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.model.Classifier;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.checkpoint.Sha256;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ModelStore} against the real S3 server; each test uses its own model id. */
class ModelStoreIT {
  private static final String BUCKET = Fixtures.uniqueBucket("lethe-models-it");
  private static MinioClient client;
  private static ModelStore store;
  private static Bucket raw;

  @BeforeAll
  static void open() {
    client = Fixtures.client();
    store = new ModelStore(client, BUCKET);
    raw = new Bucket(client, BUCKET);
  }

  @AfterAll
  static void close() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void sweepingErasesTheObjectsOfVersionsAWriterAbandonedButNotRecentOrVisibleOnes() {
    ModelVersionManifest v1 = store.putVersion("swept", Fixtures.original(bytes(500, 7)).build());
    // A writer killed mid-upload long ago (v2) and one still uploading (v3): claims, no manifest.
    raw.put(
        "models/swept/v2/claim.json",
        "{\"modelId\":\"swept\",\"version\":2,\"claimedAt\":\"2026-01-01T00:00:00Z\"}"
            .getBytes(StandardCharsets.UTF_8),
        "application/json");
    raw.put("models/swept/v2/parameters.bin", bytes(500, 8), "application/octet-stream");
    raw.put(
        "models/swept/v3/claim.json",
        ("{\"modelId\":\"swept\",\"version\":3,\"claimedAt\":\"" + Instant.now() + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        "application/json");
    raw.put("models/swept/v3/parameters.bin", bytes(500, 9), "application/octet-stream");

    List<Integer> swept = store.sweepAbandoned("swept", Instant.now().minusSeconds(60));

    assertThat(swept).containsExactly(2);
    assertThat(raw.keys("models/swept/v2/")).containsExactly("models/swept/v2/claim.json");
    assertThat(
            new String(raw.get("models/swept/v2/claim.json").orElseThrow(), StandardCharsets.UTF_8))
        .contains("\"abandoned\":true");
    assertThat(raw.keys("models/swept/v3/")).contains("models/swept/v3/parameters.bin");
    assertThat(store.versions("swept")).containsExactly(v1.version());
    assertThat(store.parameters("swept", 1)).isEqualTo(bytes(500, 7));
    // The number is never taken again: the next version is v4.
    assertThat(store.putVersion("swept", Fixtures.original(bytes(500, 10)).build()).version())
        .isEqualTo(4);
    assertThat(store.sweepAbandoned("swept", Instant.now().minusSeconds(60))).isEmpty();
  }

  @Test
  void storesTwoVersionsWithLineageAndListsThem() {
    byte[] p1 = bytes(1000, 1);
    byte[] p2 = bytes(1000, 2);
    ModelVersionManifest v1 = store.putVersion("lineage", Fixtures.original(p1).build());
    NewVersion second =
        NewVersion.builder(
                Method.DLFD,
                Fixtures.checkpoint("dlfd", p2).toJson(),
                p2,
                "sha256:" + "cd".repeat(32))
            .optParentVersion(v1.version())
            .optForgetRequestIds(List.of("fr-1"))
            .optSubjectsForgotten(List.of("subject-17", "subject-42"))
            .optDataset("mnist-data", 4)
            .build();
    ModelVersionManifest v2 = store.putVersion("lineage", second);

    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(store.versions("lineage")).containsExactly(1, 2);
    assertThat(store.models()).contains("lineage");
    ModelVersionManifest read = store.manifest("lineage", 2);
    assertThat(read).isEqualTo(v2);
    assertThat(read.parentVersion()).isEqualTo(1);
    assertThat(read.method()).isEqualTo(Method.DLFD);
    assertThat(read.forgetRequestIds()).containsExactly("fr-1");
    assertThat(read.subjectsForgotten()).containsExactly("subject-17", "subject-42");
    assertThat(read.datasetVersion()).isEqualTo("sha256:" + "cd".repeat(32));
    assertThat(read.datasetId()).isEqualTo("mnist-data");
    assertThat(read.datasetRevision()).isEqualTo(4);
    assertThat(store.manifest("lineage", 1).datasetId()).isNull();
    assertThat(read.checkpointUri()).isEqualTo("s3://" + BUCKET + "/models/lineage/v2/");
    assertThat(read.metrics()).isNull();
    assertThat(read.objects())
        .extracting(ModelVersionManifest.StoredObject::key)
        .containsExactly("parameters.bin", "checkpoint.json");
    assertThat(read.objects().get(0).sha256()).isEqualTo(Sha256.of(p2));
    assertThat(read.objects().get(0).bytes()).isEqualTo(1000);
    assertThat(store.manifest("lineage", 1).parentVersion()).isNull();
    assertThat(store.parameters("lineage", 1)).isEqualTo(p1);
    assertThat(store.parameters("lineage", 2)).isEqualTo(p2);
  }

  @Test
  void aVersionWhoseManifestIsMissingIsInvisibleAndItsNumberIsNotReused() {
    store.putVersion("crashed", Fixtures.original(bytes(100, 3)).build());
    // A writer that crashed after claiming v2 and uploading its parameters.
    raw.put("models/crashed/v2/claim.json", "{}".getBytes(), ModelStore.JSON);
    raw.put("models/crashed/v2/parameters.bin", bytes(100, 4), ModelStore.BINARY);

    assertThat(store.versions("crashed")).containsExactly(1);
    assertThatThrownBy(() -> store.manifest("crashed", 2))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("has no visible version v2");
    assertThatThrownBy(() -> store.parameters("crashed", 2)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.promote("crashed", "production", 2))
        .isInstanceOf(NotFoundException.class);

    ModelVersionManifest next =
        store.putVersion("crashed", Fixtures.original(bytes(100, 5)).build());
    assertThat(next.version()).isEqualTo(3);
    assertThat(store.versions("crashed")).containsExactly(1, 3);
  }

  @Test
  void theVersionMadeForARequestIsFoundByItsIdNotByScanningVersions() {
    ModelVersionManifest v1 = store.putVersion("made-for", Fixtures.original(bytes(50, 1)).build());
    for (int i = 2; i <= 4; i++) {
      byte[] p = bytes(50, i);
      store.putVersion(
          "made-for",
          NewVersion.builder(
                  Method.DLFD, Fixtures.checkpoint("dlfd", p).toJson(), p, Fixtures.DATASET_VERSION)
              .optParentVersion(i - 1)
              .optForgetRequestIds(List.of("fr-made-" + i))
              .optSubjectsForgotten(List.of("s" + i))
              .build());
    }

    assertThat(store.versionMadeFor("made-for", "fr-made-3"))
        .get()
        .extracting(ModelVersionManifest::version)
        .isEqualTo(3);
    assertThat(store.versionMadeFor("made-for", "fr-never-sent")).isEmpty();
    assertThat(v1.forgetRequestIds()).isEmpty();
    // A writer that claimed v5 for a request, wrote the index and died before the manifest.
    raw.put("models/made-for/made-for/fr-made-5", "5".getBytes(), "text/plain");
    raw.put("models/made-for/v5/claim.json", "{}".getBytes(), ModelStore.JSON);
    assertThat(store.versionMadeFor("made-for", "fr-made-5")).isEmpty();
    // An index naming a visible version that was made for another request is no answer either.
    raw.put("models/made-for/made-for/fr-made-9", "2".getBytes(), "text/plain");
    assertThat(store.versionMadeFor("made-for", "fr-made-9")).isEmpty();
  }

  @Test
  void aRequestHonouredByAnExistingVersionIsRecordedOnceAndChangesNoVersion() {
    ModelVersionManifest v1 =
        store.putVersion("honours", Fixtures.original(bytes(200, 30)).build());
    assertThat(store.honouredBy("honours", "fr-twice")).isEmpty();

    HonouredRequest first = store.recordHonouredBy("honours", "fr-twice", v1.version());
    HonouredRequest again = store.recordHonouredBy("honours", "fr-twice", v1.version());
    byte[] p2 = bytes(200, 31);
    store.putVersion(
        "honours",
        NewVersion.builder(
                Method.DLFD, Fixtures.checkpoint("dlfd", p2).toJson(), p2, Fixtures.DATASET_VERSION)
            .optParentVersion(1)
            .build());
    HonouredRequest racing = store.recordHonouredBy("honours", "fr-twice", 2);
    store.recordHonouredBy("honours", "fr-other", 2);

    assertThat(first.version()).isEqualTo(1);
    assertThat(again).isEqualTo(first);
    assertThat(racing).as("the first record stands").isEqualTo(first);
    assertThat(store.honouredBy("honours", "fr-twice")).hasValue(first);
    assertThat(store.honouredRequests("honours"))
        .extracting(HonouredRequest::requestId, HonouredRequest::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("fr-other", 2),
            org.assertj.core.groups.Tuple.tuple("fr-twice", 1));
    assertThat(store.versions("honours")).containsExactly(1, 2);
    assertThat(store.manifest("honours", 1)).isEqualTo(v1);
    assertThat(store.sweepAbandoned("honours", Instant.now().plusSeconds(60))).isEmpty();
    assertThat(store.honouredRequests("no-such-model")).isEmpty();
    assertThatThrownBy(() -> store.recordHonouredBy("honours", "fr-nowhere", 9))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.honouredBy("honours", "fr-nowhere")).isEmpty();
  }

  @Test
  void tamperedParametersAreRefusedWithTheHashes() {
    byte[] p = bytes(500, 6);
    store.putVersion("tampered", Fixtures.original(p).build());
    byte[] altered = p.clone();
    altered[10] ^= 1;
    raw.put("models/tampered/v1/parameters.bin", altered, ModelStore.BINARY);

    assertThatThrownBy(() -> store.parameters("tampered", 1))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("models/tampered/v1/parameters.bin")
        .hasMessageContaining(Sha256.of(altered))
        .hasMessageContaining("does not match the manifest's " + Sha256.of(p));
    assertThatThrownBy(() -> store.checkpoint("tampered", 1))
        .isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void promoteRollbackAndResolveAnAlias() {
    for (int i = 0; i < 3; i++) {
      store.putVersion("aliased", Fixtures.original(bytes(50, 10 + i)).build());
    }
    assertThatThrownBy(() -> store.resolve("aliased", "production"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no alias 'production'");

    store.promote("aliased", "production", 1);
    assertThatThrownBy(() -> store.rollback("aliased", "production"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no earlier target");
    store.promote("aliased", "production", 2);
    store.promote("aliased", "production", 2); // no-op
    store.promote("aliased", "production", 3);
    store.promote("aliased", "staging", 1);
    assertThat(store.resolve("aliased", "production")).isEqualTo(3);

    assertThat(store.rollback("aliased", "production").current()).isEqualTo(2);
    assertThat(store.resolve("aliased", "production")).isEqualTo(2);
    assertThat(store.rollback("aliased", "production").current()).isEqualTo(1);
    assertThatThrownBy(() -> store.rollback("aliased", "production"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.resolve("aliased", "staging")).isEqualTo(1);

    AliasHistory history = store.aliasHistory("aliased", "production").orElseThrow();
    assertThat(history.entries())
        .extracting(AliasHistory.Entry::version, AliasHistory.Entry::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, AliasHistory.Action.PROMOTE),
            org.assertj.core.groups.Tuple.tuple(2, AliasHistory.Action.PROMOTE),
            org.assertj.core.groups.Tuple.tuple(3, AliasHistory.Action.PROMOTE),
            org.assertj.core.groups.Tuple.tuple(2, AliasHistory.Action.ROLLBACK),
            org.assertj.core.groups.Tuple.tuple(1, AliasHistory.Action.ROLLBACK));
    assertThatThrownBy(() -> store.promote("aliased", "production", 9))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void loadRestoresAClassifierWithTheStoredParameters() {
    byte[] parameters;
    String checkpointJson;
    try (Classifier original = Classifier.create(Fixtures.SPEC, Fixtures.LABELS, 7)) {
      parameters = original.parameterBytes();
      checkpointJson =
          CheckpointManifest.builder("train", Fixtures.DATASET)
              .build(original.spec(), original.labels(), parameters)
              .toJson();
    }
    store.putVersion(
        "loaded",
        NewVersion.builder(Method.TRAIN, checkpointJson, parameters, Fixtures.DATASET_VERSION)
            .build());

    try (Classifier loaded = Checkpoints.restore(store.checkpoint("loaded", 1))) {
      assertThat(loaded.parameterBytes()).isEqualTo(parameters);
      assertThat(loaded.spec()).isEqualTo(Fixtures.SPEC);
      assertThat(loaded.labels()).isEqualTo(Fixtures.LABELS);
    }
    assertThat(store.checkpointJson("loaded", 1)).isEqualTo(checkpointJson);
  }

  @Test
  void theUploadListenerIsToldTheBytesAndTimeOfEveryStoredVersion() {
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Duration> times = new java.util.concurrent.CopyOnWriteArrayList<>();
    ModelStore listened =
        ModelStore.builder(client, BUCKET)
            .optUploadListener(
                (model, version, size, elapsed) -> {
                  told.add(model + " v" + version + " " + size);
                  times.add(elapsed);
                })
            .build();
    byte[] p1 = bytes(4096, 7);
    NewVersion v = Fixtures.original(p1).build();

    listened.putVersion("listened", v);

    long expected = (long) p1.length + v.checkpointBytes().length;
    assertThat(told).containsExactly("listened v1 " + expected);
    assertThat(times).singleElement().satisfies(d -> assertThat(d).isPositive());
  }

  @Test
  void theBucketIsCreatedIfMissing() throws Exception {
    String bucket = Fixtures.uniqueBucket("lethe-autocreate-it");
    assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isFalse();

    ModelStore fresh = new ModelStore(Fixtures.settings(bucket));

    assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isTrue();
    assertThat(fresh.bucket()).isEqualTo(bucket);
    assertThat(fresh.models()).isEmpty();
    assertThat(fresh.versions("anything")).isEmpty();
    new ModelStore(Fixtures.settings(bucket)); // an existing bucket is fine
  }

  @Test
  void concurrentWritersGetDistinctVersionNumbers() throws Exception {
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] p = bytes(200, 100 + i);
        // Each writer with its own store, as separate registry instances would be.
        tasks.add(
            () ->
                new ModelStore(client, BUCKET)
                    .putVersion("contended", Fixtures.original(p).build())
                    .version());
      }
      List<Integer> got = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        got.add(f.get());
      }
      assertThat(got).containsExactlyInAnyOrder(1, 2, 3, 4);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.versions("contended")).containsExactly(1, 2, 3, 4);
    for (int v = 1; v <= 4; v++) {
      assertThat(store.parameters("contended", v)).hasSize(200); // each verifies its own hash
    }
  }

  @Test
  void evaluationsAreAttachedWriteOnceWithoutRewritingTheManifest() {
    store.putVersion("evaluated", Fixtures.original(bytes(80, 20)).build());
    byte[] manifestBefore = raw.get("models/evaluated/v1/manifest.json").orElseThrow();
    EvaluationReportMessage report = Fixtures.evaluation("evaluated", 1, 0.61);

    ModelVersionManifest withMetrics = store.attachEvaluation(report);

    assertThat(withMetrics.metrics().testAccuracy()).isEqualTo(0.61);
    assertThat(withMetrics.metrics().miaAccuracy()).isEqualTo(0.538);
    assertThat(withMetrics.metrics().gatesPassed()).isTrue();
    assertThat(store.manifest("evaluated", 1)).isEqualTo(withMetrics);
    assertThat(store.evaluation("evaluated", 1)).hasValue(report);
    assertThat(raw.get("models/evaluated/v1/manifest.json")).hasValue(manifestBefore);

    assertThat(store.attachEvaluation(report)).isEqualTo(withMetrics); // redelivery
    assertThatThrownBy(() -> store.attachEvaluation(Fixtures.evaluation("evaluated", 1, 0.5)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("already evaluated");
    assertThatThrownBy(() -> store.attachEvaluation(Fixtures.evaluation("evaluated", 2, 0.5)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aMissingParentIsRefusedBeforeAnythingIsWritten() {
    NewVersion orphan = Fixtures.original(bytes(10, 30)).optParentVersion(9).build();

    assertThatThrownBy(() -> store.putVersion("orphan", orphan))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("parent version v9 of model orphan is not a visible version");
    assertThat(raw.keys("models/orphan/")).isEmpty();
  }

  @Test
  void anInvalidManifestIsRefusedBeforeAnythingIsWritten() {
    NewVersion bad =
        NewVersion.builder(
                Method.TRAIN,
                Fixtures.checkpoint("train", bytes(10, 31)).toJson(),
                bytes(10, 31),
                "not-a-hash")
            .build();

    assertThatThrownBy(() -> store.putVersion("invalid", bad))
        .isInstanceOf(io.lethe.api.ContractViolation.class)
        .hasMessageContaining("datasetVersion");
    assertThat(raw.keys("models/invalid/")).isEmpty();
  }
}
