package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Contract;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Headers;
import io.lethe.api.JobProgress;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ConsumerGroups;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.HonouredRequest;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.MufacLikeDataset;
import io.lethe.testutils.Waiting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against a real broker and a real S3 server ({@link ServerEnvironment}): a tiny CNN
 * trained on a MUFAC-layout dataset is stored as v1, a forget request for two subjects comes in
 * over Kafka, and v2 comes out in the registry, announced on {@code lethe.unlearning-results}. A
 * request naming subjects a version already forgot unlearns only the others, or none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerIT {
  private static final String MODEL = "mufac-tiny";
  private static final String DATA = "mufac-tiny-data";
  private static final String MODEL_B = "mufac-tiny-b";
  private static final String DATA_B = "mufac-tiny-data-b";
  private static final String MODEL_C = "mufac-tiny-c";
  private static final String DATA_C = "mufac-tiny-data-c";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-worker-it-" + run;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private String datasetVersion;
  private ImageDataset dataset;
  private ModelStore store;
  private DatasetStore datasets;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private ContractProducer producer;
  private KafkaConsumer<byte[], byte[]> outputs;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    createTopics();
    // The topic is shared with earlier tests when the broker is (.ci/run): skip their records.
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.FORGET_REQUESTS));
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 40, 10, 12);
    DatasetSource source = DatasetSource.csv(data.manifests(), data.imageRoot(), "mufac", 16, 1);
    dataset = source.load();
    datasetVersion = dataset.fingerprint();
    ModelSpec spec =
        ModelSpec.of(
            Architecture.SMALL_CNN,
            1,
            16,
            dataset.labelSchema().numOutputs(),
            Normalization.uniform(1, 0.2860f, 0.3530f));
    Path original = dir.resolve("original");
    ModelLineage.train(
        source,
        dataset,
        spec,
        TrainingRecipe.builder().optEpochs(3).optBatchSize(32).optLearningRate(0.05f).build(),
        original,
        ProgressListener.NONE);

    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-worker-it-" + run);
    store = new ModelStore(s3Settings);
    datasets = new DatasetStore(s3Settings);
    // Two models on two registry copies of the same data, so each test sees only its tombstones.
    for (String[] modelAndData :
        new String[][] {{MODEL, DATA}, {MODEL_B, DATA_B}, {MODEL_C, DATA_C}}) {
      datasets.putSnapshot(modelAndData[1], dataset);
      store.putVersion(
          modelAndData[0],
          NewVersion.builder(
                  Method.TRAIN,
                  Files.readString(original.resolve(Checkpoints.MANIFEST_FILE)),
                  Files.readAllBytes(original.resolve(Checkpoints.PARAMETERS_FILE)),
                  datasetVersion)
              .optDataset(modelAndData[1], 0)
              .build());
    }

    outputs =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-reader-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
    outputs.subscribe(List.of(Topics.UNLEARNING_RESULTS, Topics.JOB_PROGRESS));

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("worker");
    KafkaSettings kafka = new KafkaSettings(bootstrap, "worker-it-" + run, group);
    WorkerSettings settings = new WorkerSettings(s3Settings, 1).withDevice(ComputeDevice.cpu());
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v -> new Worker(v, kafka, settings, metrics)));
    producer = new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, group), codec);
    await(producer.start());
  }

  @AfterAll
  void tearDown() throws Exception {
    if (producer != null) {
      await(producer.stop());
    }
    if (running != null) {
      await(running.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (outputs != null) {
      outputs.close();
    }
  }

  @Test
  void aForgetRequestBecomesTheNextVersion() throws Exception {
    ForgetRequest request =
        request(
            "fr-ok-" + run,
            MODEL,
            List.of("p0001", "p0002"),
            Map.of("perturbationSteps", 2, "scoreSampleSize", 64));
    RecordMetadata sent =
        await(producer.send(Contract.FORGET_REQUEST, MODEL, request, "corr-fr-ok-" + run));

    UnlearningResult result = awaitResult(request.requestId());
    assertThat(result.status()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(result.version()).isEqualTo(2);
    assertThat(result.parentVersion()).isEqualTo(1);
    assertThat(result.correlationId()).isEqualTo("corr-fr-ok-" + run);
    assertThat(result.device()).isEqualTo("cpu");
    ConsumerRecord<byte[], byte[]> raw = resultRecord(request.requestId()).orElseThrow();
    assertThat(new String(raw.key(), StandardCharsets.UTF_8)).isEqualTo(MODEL);
    assertThat(
            new String(
                raw.headers().lastHeader(Headers.CORRELATION_ID).value(), StandardCharsets.UTF_8))
        .isEqualTo("corr-fr-ok-" + run);

    assertThat(store.versions(MODEL)).containsExactly(1, 2);
    ModelVersionManifest v2 = store.manifest(MODEL, 2);
    assertThat(v2.parentVersion()).isEqualTo(1);
    assertThat(v2.method()).isEqualTo(Method.DLFD);
    assertThat(v2.subjectsForgotten()).containsExactly("p0001", "p0002");
    assertThat(v2.forgetRequestIds()).containsExactly(request.requestId());
    assertThat(result.checkpoint().uri()).isEqualTo(v2.checkpointUri());
    assertThat(v2.objects())
        .anySatisfy(o -> assertThat(o.sha256()).isEqualTo(result.checkpoint().sha256()));
    assertThat(v2.datasetId()).isEqualTo(DATA);
    assertThat(v2.datasetRevision()).isEqualTo(1);
    assertThat(datasets.latest(DATA)).isEqualTo(1);
    assertThat(datasets.tombstonedSubjects(DATA, 1)).containsExactly("p0001", "p0002");
    assertThat(datasets.subjectSamples(DATA, 1)).doesNotContainKeys("p0001", "p0002");
    try (Classifier loaded =
        Checkpoints.restore(store.checkpoint(MODEL, 2))) { // verifies every hash on the way
      assertThat(loaded.spec().side()).isEqualTo(16);
    }

    List<JobProgress> progress = progressOf(request.requestId());
    assertThat(progress)
        .extracting(JobProgress::stage)
        .contains(
            JobProgress.Stage.LOADING,
            JobProgress.Stage.UNLEARNING,
            JobProgress.Stage.SAVING,
            JobProgress.Stage.DONE);
    assertThat(progress)
        .allSatisfy(p -> assertThat(p.correlationId()).isEqualTo("corr-fr-ok-" + run));

    waitFor(() -> committed(sent) > sent.offset(), "offset committed after the result");
    String scrape = get(running.httpPort(), "/metrics");
    assertThat(scrape)
        .containsPattern("(?m)^lethe_worker_jobs_succeeded_total(\\{[^}]*\\})? [1-9][0-9]*\\.0$");
    assertThat(scrape).containsPattern("(?m)^lethe_worker_dlfd_batches_total(\\{[^}]*\\})? [1-9]");
    assertThat(scrape).contains("lethe_worker_job_duration_seconds_bucket");
    assertThat(scrape).containsPattern("(?m)^lethe_worker_device\\{device=\"cpu\"} 1\\.0$");
  }

  @Test
  void laterJobsStartFromTheNewestVersionAndNeverRetainTombstonedSubjects() throws Exception {
    ForgetRequest first =
        request(
            "fr-b1-" + run,
            MODEL_B,
            1,
            Method.DLFD,
            List.of("p0001", "p0005"),
            Map.of("perturbationSteps", 2, "scoreSampleSize", 64));
    await(producer.send(Contract.FORGET_REQUEST, MODEL_B, first, "corr-b1-" + run));
    UnlearningResult v2 = awaitResult(first.requestId());
    assertThat(v2.status()).as("%s", v2.error()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(datasets.tombstonedSubjects(DATA_B, datasets.latest(DATA_B)))
        .containsExactly("p0001", "p0005");

    // Another model trained on the same dataset forgets p0002 meanwhile.
    datasets.tombstone(DATA_B, List.of("p0002"));

    // The intake still thinks v1 is the base (its catalog refreshes later): a stale base.
    ForgetRequest second =
        request(
            "fr-b2-" + run,
            MODEL_B,
            1,
            Method.RETRAIN,
            List.of("p0003"),
            Map.of("epochs", 1, "batchSize", 32));
    await(producer.send(Contract.FORGET_REQUEST, MODEL_B, second, "corr-b2-" + run));
    UnlearningResult v3 = awaitResult(second.requestId());

    assertThat(v3.status()).as("%s", v3.error()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.parentVersion()).isEqualTo(2);
    ModelVersionManifest m3 = store.manifest(MODEL_B, 3);
    assertThat(m3.parentVersion()).isEqualTo(2);
    assertThat(m3.subjectsForgotten()).containsExactly("p0001", "p0002", "p0003", "p0005");
    assertThat(m3.datasetId()).isEqualTo(DATA_B);
    assertThat(m3.datasetRevision()).isEqualTo(datasets.latest(DATA_B)).isEqualTo(3);
    assertThat(datasets.tombstonedSubjects(DATA_B, 3))
        .containsExactly("p0001", "p0002", "p0003", "p0005");
    // The retrained model saw neither its own forgotten subjects nor the one tombstoned elsewhere.
    Object trainSamples =
        CheckpointManifest.fromJson(store.checkpointJson(MODEL_B, 3))
            .hyperparameters()
            .get("trainSamples");
    int withoutAll =
        UnlearningSplit.of(dataset, Set.of("p0001", "p0002", "p0003", "p0005")).retain().length;
    int withoutOwn = UnlearningSplit.of(dataset, Set.of("p0001", "p0003", "p0005")).retain().length;
    assertThat(withoutAll).isLessThan(withoutOwn);
    assertThat(((Number) trainSamples).intValue()).isEqualTo(withoutAll);
  }

  @Test
  void subjectsTheNewestVersionForgotAreNotUnlearnedAgain() throws Exception {
    Map<String, Object> quick = Map.of("perturbationSteps", 2, "scoreSampleSize", 64);
    ForgetRequest first = request("fr-c1-" + run, MODEL_C, List.of("p0001", "p0002"), quick);
    await(producer.send(Contract.FORGET_REQUEST, MODEL_C, first, "corr-c1-" + run));
    UnlearningResult made = awaitResult(first.requestId());
    assertThat(made.status()).as("%s", made.error()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(made.version()).isEqualTo(2);
    // v2 promoted: the registry's sweep erases the forgotten subjects' samples from the dataset.
    datasets.erase(DATA_C, List.of("p0001", "p0002"));

    // The same person asks again through another channel: nothing is left to forget.
    ForgetRequest again = request("fr-c2-" + run, MODEL_C, List.of("p0002", "p0001"), quick);
    RecordMetadata sent =
        await(producer.send(Contract.FORGET_REQUEST, MODEL_C, again, "corr-c2-" + run));
    UnlearningResult honoured = awaitResult(again.requestId());
    assertThat(honoured.status())
        .as("%s", honoured.error())
        .isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(honoured.honouredBy()).isEqualTo(UnlearningResult.HonouredBy.EXISTING_VERSION);
    assertThat(honoured.madeNewVersion()).isFalse();
    assertThat(honoured.version()).isEqualTo(2);
    assertThat(honoured.parentVersion()).isEqualTo(2);
    assertThat(honoured.checkpoint().uri()).isEqualTo(store.manifest(MODEL_C, 2).checkpointUri());
    assertThat(made.honouredBy()).isEqualTo(UnlearningResult.HonouredBy.NEW_VERSION);
    assertThat(store.versions(MODEL_C)).containsExactly(1, 2);
    HonouredRequest record = store.honouredBy(MODEL_C, again.requestId()).orElseThrow();
    assertThat(record.version()).isEqualTo(2);
    assertThat(progressOf(again.requestId()))
        .extracting(JobProgress::stage)
        .contains(JobProgress.Stage.DONE)
        .doesNotContain(JobProgress.Stage.UNLEARNING);
    waitFor(() -> committed(sent) > sent.offset(), "offset committed after the result");

    // A redelivery re-announces the same outcome and writes no second record.
    await(producer.send(Contract.FORGET_REQUEST, MODEL_C, again, "corr-c2-" + run));
    waitFor(
        () -> resultRecords(again.requestId()).size() == 2, "a second result for the redelivery");
    UnlearningResult reannounced =
        codec.decode(resultRecords(again.requestId()).get(1).value(), UnlearningResult.class);
    assertThat(reannounced.honouredBy()).isEqualTo(UnlearningResult.HonouredBy.EXISTING_VERSION);
    assertThat(reannounced.version()).isEqualTo(2);
    assertThat(store.honouredRequests(MODEL_C)).containsExactly(record);
    assertThat(store.versions(MODEL_C)).containsExactly(1, 2);
    assertThat(get(running.httpPort(), "/metrics"))
        .containsPattern("(?m)^lethe_worker_jobs_already_forgotten_total(\\{[^}]*\\})? 2\\.0$");

    // Forgotten subjects and a new one: only the new one is unlearned (the others' samples are
    // erased; asking the engine to forget them again would fail).
    ForgetRequest more =
        request("fr-c3-" + run, MODEL_C, List.of("p0001", "p0002", "p0003"), quick);
    await(producer.send(Contract.FORGET_REQUEST, MODEL_C, more, "corr-c3-" + run));
    UnlearningResult v3 = awaitResult(more.requestId());
    assertThat(v3.status()).as("%s", v3.error()).isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(v3.honouredBy()).isEqualTo(UnlearningResult.HonouredBy.NEW_VERSION);
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.parentVersion()).isEqualTo(2);
    ModelVersionManifest m3 = store.manifest(MODEL_C, 3);
    assertThat(m3.forgetRequestIds()).containsExactly(more.requestId());
    assertThat(m3.subjectsForgotten()).containsExactly("p0001", "p0002", "p0003");
    assertThat(CheckpointManifest.fromJson(store.checkpointJson(MODEL_C, 3)).forgottenSubjects())
        .containsExactly("p0001", "p0002", "p0003");
    assertThat(datasets.tombstonedSubjects(DATA_C, datasets.latest(DATA_C)))
        .containsExactly("p0001", "p0002", "p0003");
    assertThat(store.honouredBy(MODEL_C, more.requestId())).isEmpty();
  }

  @Test
  void aRequestForAnUnknownModelFailsAndIsCommitted() throws Exception {
    ForgetRequest request =
        request("fr-unknown-" + run, "no-such-model", List.of("p0001"), Map.of());
    RecordMetadata sent =
        await(
            producer.send(
                Contract.FORGET_REQUEST, "no-such-model", request, "corr-fr-unknown-" + run));

    UnlearningResult result = awaitResult(request.requestId());
    assertThat(result.status()).isEqualTo(UnlearningResult.Status.FAILED);
    assertThat(result.error()).contains("no-such-model");
    assertThat(result.correlationId()).isEqualTo("corr-fr-unknown-" + run);
    assertThat(result.version()).isNull();
    waitFor(() -> committed(sent) > sent.offset(), "offset committed after the failure result");
    assertThat(store.versions("no-such-model")).isEmpty();
    assertThat(get(running.httpPort(), "/metrics"))
        .containsPattern("(?m)^lethe_worker_jobs_failed_total(\\{[^}]*\\})? [1-9]");
  }

  private ForgetRequest request(
      String id, String model, List<String> subjects, Map<String, Object> hyperparameters) {
    return request(id, model, 1, Method.DLFD, subjects, hyperparameters);
  }

  private ForgetRequest request(
      String id,
      String model,
      int baseVersion,
      Method method,
      List<String> subjects,
      Map<String, Object> hyperparameters) {
    return new ForgetRequest(
        id,
        "corr-" + id,
        model,
        baseVersion,
        method,
        hyperparameters,
        subjects,
        subjects.stream().map(s -> s + "_0.png").toList(),
        List.of("evt-" + id),
        datasetVersion,
        Instant.now());
  }

  private UnlearningResult awaitResult(String requestId) throws InterruptedException {
    waitFor(() -> resultRecord(requestId).isPresent(), "a result for " + requestId);
    return codec.decode(resultRecord(requestId).orElseThrow().value(), UnlearningResult.class);
  }

  private Optional<ConsumerRecord<byte[], byte[]>> resultRecord(String requestId) {
    return resultRecords(requestId).stream().findFirst();
  }

  private List<ConsumerRecord<byte[], byte[]>> resultRecords(String requestId) {
    pollOutputs();
    return seen.stream()
        .filter(r -> r.topic().equals(Topics.UNLEARNING_RESULTS))
        .filter(r -> codec.decode(r.value(), UnlearningResult.class).requestId().equals(requestId))
        .toList();
  }

  private List<JobProgress> progressOf(String requestId) {
    pollOutputs();
    return seen.stream()
        .filter(r -> r.topic().equals(Topics.JOB_PROGRESS))
        .map(r -> codec.decode(r.value(), JobProgress.class))
        .filter(p -> p.requestId().equals(requestId))
        .toList();
  }

  private void pollOutputs() {
    for (ConsumerRecord<byte[], byte[]> r : outputs.poll(Duration.ofMillis(200))) {
      seen.add(r);
    }
  }

  private long committed(RecordMetadata sent) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(sent.topic(), sent.partition()));
      return o == null ? -1 : o.offset();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void createTopics() {
    KafkaTopics.ensure(
        bootstrap,
        List.of(
            Topics.FORGET_REQUESTS,
            Topics.JOB_PROGRESS,
            Topics.UNLEARNING_RESULTS,
            Topics.DEAD_LETTERS));
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Waiting.until(condition, TIMEOUT, what);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
