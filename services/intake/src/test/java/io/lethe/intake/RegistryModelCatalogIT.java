package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ServerEnvironment;
import io.lethe.intake.core.ModelCatalog;
import io.lethe.intake.core.ModelCatalog.Resolution;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.Waiting;
import io.lethe.testutils.auth.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry-backed catalog against a real S3 server and the intake on a real broker: models and
 * their base versions come from {@link ModelStore} (the {@code production} alias, else the latest
 * version), subjects and samples from the dataset's latest version in {@link DatasetStore}, and a
 * refresh picks up promotions and new tombstones.
 */
class RegistryModelCatalogIT {
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final String IN = "it.catalog.in." + RUN;
  static final String OUT = "it.catalog.out." + RUN;
  static final String DLQ = "it.catalog.dlq." + RUN;
  static final LabelSchema LABELS = LabelSchema.singleLabel(List.of("a", "b"));

  static final MessageCodec codec = new MessageCodec();
  static final HttpClient http = HttpClient.newHttpClient();
  static String bootstrap;
  static ModelStore models;
  static DatasetStore datasets;
  static ImageDataset data;
  static Vertx vertx;
  static RegistryModelCatalog catalog;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    bootstrap = ServerEnvironment.kafkaBootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(IN, 1, (short) 1),
                  new NewTopic(OUT, 1, (short) 1),
                  new NewTopic(DLQ, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-catalog-it-" + RUN);
    models = new ModelStore(settings);
    datasets = new DatasetStore(settings);
    data = dataset();
    datasets.putSnapshot("faces-data", data);
    datasets.tombstone("faces-data", List.of("s-3")); // forgotten earlier
    models.putVersion("faces", version(new byte[] {1}).optDataset("faces-data", 0).build());
    models.putVersion(
        "faces", version(new byte[] {2}).optParentVersion(1).optDataset("faces-data", 1).build());
    models.promote("faces", "production", 1);
    models.putVersion("legacy", version(new byte[] {3}).build()); // no registry dataset

    vertx = Vertx.vertx();
    catalog = new RegistryModelCatalog(vertx, models, datasets, Duration.ofSeconds(1));
    await(vertx.deployVerticle(new ComponentVerticle(v -> catalog)));
    IntakeSettings intake =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "it-catalog-" + RUN, "it-catalog-" + RUN),
            HttpSettings.ephemeral(),
            Duration.ofMillis(500),
            null,
            RegistryCatalogSettings.of(settings, Duration.ofSeconds(1)),
            AuthSettings.fromEnv(TestTokens.env()));
    IntakeService[] service = new IntakeService[1];
    await(
        vertx.deployVerticle(
            new ComponentVerticle(
                v -> {
                  service[0] =
                      new IntakeService(v, intake, catalog, new Metrics("intake"))
                          .optTopics(IN, OUT, DLQ)
                          .optLedgerTopic(OUT + ".ledger");
                  return service[0];
                })));
    base = "http://127.0.0.1:" + service[0].httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void resolvesSubjectsThroughTheProductionVersionsDatasetAndPicksUpChanges() throws Exception {
    Resolution r = catalog.resolve(List.of("s-1", "s-3", "ghost"), null);

    assertThat(catalog.modelIds()).containsExactly("faces"); // legacy names no dataset
    assertThat(r.unknownSubjectIds()).containsExactly("ghost");
    assertThat(r.forgottenSubjectIds()).containsExactly("s-3"); // tombstoned: forgotten earlier
    assertThat(r.affected()).hasSize(1);
    ModelCatalog.Affected faces = r.affected().get(0);
    assertThat(faces.model())
        .isEqualTo(new ModelCatalog.ModelTarget("faces", 1, "faces-data", data.fingerprint()));
    assertThat(faces.samplesBySubject())
        .containsExactly(Map.entry("s-1", List.of("train/s-1_0.png", "train/s-1_1.png")));

    models.promote("faces", "production", 2);
    datasets.tombstone("faces-data", List.of("s-1"));
    waitFor(
        () -> catalog.resolve(List.of("s-1"), null).forgottenSubjectIds().contains("s-1"),
        "the refresh to see the new tombstone");
    assertThat(catalog.resolve(List.of("s-2"), null).affected().get(0).model().baseVersion())
        .isEqualTo(2);
  }

  @Test
  void aDeletionEventBecomesAForgetRequestWithTheSubjectsSamples() throws Exception {
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/deletions"))
                .header("content-type", "application/json")
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"eventId": "evt-c1", "idempotencyKey": "key-c1", "correlationId": "c-1",
                         "occurredAt": "2026-01-01T00:00:00Z", "source": "crm",
                         "subjectIds": ["s-2", "nobody"]}
                        """))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(posted.statusCode()).isEqualTo(202);
    JsonNode body = MessageCodec.newObjectMapper().readTree(posted.body());
    assertThat(body.path("unknownSubjectIds").toString()).isEqualTo("[\"nobody\"]");
    List<ForgetRequest> emitted = new ArrayList<>();
    waitFor(() -> !poll(emitted).isEmpty(), "a forget request");
    ForgetRequest fr = emitted.get(0);
    assertThat(fr.modelId()).isEqualTo("faces");
    assertThat(fr.subjectIds()).containsExactly("s-2");
    assertThat(fr.sampleIds()).containsExactly("train/s-2_0.png", "train/s-2_1.png");
    assertThat(fr.datasetVersion()).isEqualTo(data.fingerprint());
  }

  /** Subjects s-1..s-4 with two TRAIN images each, one TEST and one UNSEEN subject. */
  private static ImageDataset dataset() {
    List<Sample> samples = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    String[][] people = {
      {"s-1", "TRAIN"},
      {"s-2", "TRAIN"},
      {"s-3", "TRAIN"},
      {"s-4", "TRAIN"},
      {"t-1", "TEST"},
      {"u-1", "UNSEEN"}
    };
    for (String[] p : people) {
      Split split = Split.valueOf(p[1]);
      for (int n = 0; n < 2; n++) {
        samples.add(
            new Sample(
                samples.size(),
                split.name().toLowerCase() + "/" + p[0] + "_" + n + ".png",
                p[0],
                new int[] {n},
                split));
        byte[] image = new byte[64];
        image[0] = (byte) samples.size();
        pixels.add(image);
      }
    }
    return new ImageDataset("faces", LABELS, 1, 8, samples, pixels);
  }

  private static NewVersion.Builder version(byte[] parameters) {
    ModelSpec spec =
        ModelSpec.of(Architecture.SMALL_CNN, 1, 8, 2, Normalization.uniform(1, 0.5f, 0.5f));
    CheckpointManifest checkpoint =
        CheckpointManifest.builder(
                "train",
                new CheckpointManifest.Dataset("faces", data.fingerprint(), Map.of("kind", "s3")))
            .build(spec, LABELS, parameters);
    return NewVersion.builder(Method.TRAIN, checkpoint.toJson(), parameters, data.fingerprint());
  }

  private static List<ForgetRequest> poll(List<ForgetRequest> into) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      TopicPartition tp = new TopicPartition(OUT, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      into.clear();
      consumer
          .poll(Duration.ofMillis(500))
          .forEach(r -> into.add(codec.decode(r.value(), ForgetRequest.class)));
    }
    return into;
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Waiting.until(condition, Duration.ofSeconds(30), what);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
