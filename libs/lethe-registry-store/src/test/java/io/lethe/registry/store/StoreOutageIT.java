package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lethe.api.ModelVersionManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.infra.LocalS3;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stores against a real s3proxy that this test stops and restarts (its own server, not the
 * shared one): while it is down, every operation the worker, evaluator and registry use fails with
 * {@link StoreUnavailableException} within seconds; after a restart on the same port and data
 * directory the same store objects work again, with the data written before the outage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreOutageIT {
  /** Generous for a refused connection (milliseconds); far below MinIO's 5-minute default. */
  private static final Duration FAST = Duration.ofSeconds(10);

  private static final String MODEL = "outage";
  private static final String DATASET = "outage-data";

  private LocalS3 s3;
  private S3Settings settings;
  private ModelStore models;
  private DatasetStore datasets;
  private ImageDataset dataset;

  @BeforeAll
  void start() throws IOException {
    Path dir = Paths.get("target", "it-servers", "outage-" + UUID.randomUUID()).toAbsolutePath();
    s3 = LocalS3.builder(dir).port(freePort()).build().start();
    settings =
        new S3Settings(
            s3.endpoint(),
            s3.accessKey(),
            s3.secretKey(),
            s3.region(),
            Fixtures.uniqueBucket("lethe-outage-it"));
    models = new ModelStore(settings);
    datasets = new DatasetStore(settings);

    models.putVersion(MODEL, Fixtures.original(bytes(1)).build());
    models.putVersion(MODEL, Fixtures.original(bytes(2)).optParentVersion(1).build());
    models.attachEvaluation(Fixtures.evaluation(MODEL, 1, 0.9));
    models.promote(MODEL, "production", 1);
    models.promote(MODEL, "production", 2);
    dataset = Fixtures.dataset(4, 7);
    datasets.putSnapshot(DATASET, dataset);
    datasets.tombstone(DATASET, List.of("s000"));
  }

  @AfterAll
  void stop() {
    if (s3 != null) {
      s3.stop();
    }
  }

  @Test
  void everyOperationIsUnavailableWhileS3IsDownAndWorksAgainAfterARestart() {
    s3.stop();

    Map<String, Runnable> operations = new LinkedHashMap<>();
    operations.put("models", () -> models.models());
    operations.put("versions", () -> models.versions(MODEL));
    operations.put("manifest", () -> models.manifest(MODEL, 1));
    operations.put("parameters", () -> models.parameters(MODEL, 1));
    operations.put("checkpointJson", () -> models.checkpointJson(MODEL, 1));
    operations.put("checkpoint", () -> models.checkpoint(MODEL, 1));
    operations.put("evaluation", () -> models.evaluation(MODEL, 2));
    operations.put(
        "attachEvaluation", () -> models.attachEvaluation(Fixtures.evaluation(MODEL, 2, 0.9)));
    operations.put(
        "putVersion",
        () -> models.putVersion(MODEL, Fixtures.original(bytes(3)).optParentVersion(2).build()));
    operations.put("aliasHistory", () -> models.aliasHistory(MODEL, "production"));
    operations.put("resolve", () -> models.resolve(MODEL, "production"));
    operations.put("promote", () -> models.promote(MODEL, "production", 1));
    operations.put("rollback", () -> models.rollback(MODEL, "production"));
    operations.put("purge", () -> models.purge(MODEL, 1, "retention", "outage-it"));
    operations.put("purged", () -> models.purged(MODEL, 1));
    operations.put("new ModelStore", () -> new ModelStore(settings));
    operations.put("snapshot", () -> datasets.snapshot(DATASET));
    operations.put("latest", () -> datasets.latest(DATASET));
    operations.put("version", () -> datasets.version(DATASET, 1));
    operations.put("materialise", () -> datasets.materialise(DATASET, 1));
    operations.put("subjectSamples", () -> datasets.subjectSamples(DATASET, 1));
    operations.put("tombstone", () -> datasets.tombstone(DATASET, List.of("s001")));
    operations.put("putTombstones", () -> datasets.putTombstones(DATASET, 1, List.of("s002")));
    operations.put("putSnapshot", () -> datasets.putSnapshot("other-data", dataset));
    operations.put("erase", () -> datasets.erase(DATASET, List.of("s000")));
    operations.put("erasedSubjects", () -> datasets.erasedSubjects(DATASET));
    operations.put("sweepAbandoned", () -> datasets.sweepAbandoned(DATASET, Instant.now()));
    operations.put("new DatasetStore", () -> new DatasetStore(settings));

    for (Map.Entry<String, Runnable> op : operations.entrySet()) {
      long t0 = System.nanoTime();
      Throwable thrown = catchThrowable(() -> op.getValue().run());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(thrown)
          .as("%s with S3 stopped", op.getKey())
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("s3://");
      assertThat(took).as("%s failed after %s", op.getKey(), took).isLessThan(FAST);
    }

    s3.start();

    assertThat(models.versions(MODEL)).containsExactly(1, 2);
    assertThat(models.manifest(MODEL, 1).metrics()).isNotNull();
    assertThat(models.parameters(MODEL, 2)).isEqualTo(bytes(2));
    assertThat(models.rollback(MODEL, "production").current()).isEqualTo(1);
    assertThat(models.resolve(MODEL, "production")).isEqualTo(1);
    ModelVersionManifest v3 =
        models.putVersion(MODEL, Fixtures.original(bytes(3)).optParentVersion(2).build());
    assertThat(v3.version()).isEqualTo(3);
    assertThat(models.attachEvaluation(Fixtures.evaluation(MODEL, 3, 0.9)).metrics()).isNotNull();
    assertThat(datasets.tombstone(DATASET, List.of("s001")).tombstonedSubjects())
        .containsExactly("s000", "s001");
    assertThat(datasets.materialise(DATASET, 2).size()).isEqualTo(dataset.size() - 6);
  }

  @Test
  void aServerThatIsNotThereAtAllIsUnavailableNotABug() throws IOException {
    S3Settings nowhere =
        new S3Settings(
            "http://127.0.0.1:" + freePort(), "k", "secret", "us-east-1", "lethe-nowhere");

    assertThatThrownBy(() -> new ModelStore(nowhere))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("ConnectException");
  }

  private static byte[] bytes(long seed) {
    byte[] b = new byte[800];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
