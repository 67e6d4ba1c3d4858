package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Contract;
import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ConsumerGroups;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.LocalS3;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.MufacLikeDataset;
import io.lethe.testutils.Waiting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field finding behind issue 19: with the S3 server stopped, queued forget requests ended
 * {@code FAILED} and were committed, and {@code lethe_worker_jobs_retried_total} stayed 0. Here a
 * REAL S3 server of the test's own is stopped while a request waits: the worker must produce no
 * result and commit nothing, count its retries, and unlearn the request once S3 is back.
 */
class WorkerOutageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String MODEL = "outage-tiny";
  private static final String DATA = "outage-tiny-data";

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-worker-outage-it-" + run;
  @TempDir Path dir;
  private LocalS3 s3;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private ContractProducer producer;
  private KafkaConsumer<byte[], byte[]> results;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  @AfterEach
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
    if (results != null) {
      results.close();
    }
    if (s3 != null) {
      s3.stop();
    }
  }

  @Test
  void aRequestQueuedWhileS3IsDownIsRetriedNotFailedAndUnlearnedOnceS3IsBack() throws Exception {
    KafkaTopics.ensure(
        bootstrap, List.of(Topics.FORGET_REQUESTS, Topics.JOB_PROGRESS, Topics.UNLEARNING_RESULTS));
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.FORGET_REQUESTS));
    s3 = LocalS3.builder(dir.resolve("s3")).port(freePort()).build().start();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-outage-" + run);
    String datasetVersion = storeVersionOne(s3Settings);

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("worker");
    KafkaSettings kafka = new KafkaSettings(bootstrap, "worker-outage-it-" + run, group);
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v ->
                    new Worker(v, kafka, new WorkerSettings(s3Settings, 1), metrics)
                        .optRetry(
                            new RetrySettings(
                                Duration.ofMillis(200),
                                Duration.ofSeconds(1),
                                0.5,
                                Duration.ofMinutes(10)))
                        .optTransientStreakLimit(Duration.ofSeconds(2))));
    producer = new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, group), codec);
    await(producer.start());
    results = resultReader();

    s3.stop();
    ForgetRequest request = request("fr-outage-" + run, datasetVersion);
    RecordMetadata sent =
        await(producer.send(Contract.FORGET_REQUEST, MODEL, request, "corr-" + run));

    Waiting.until(() -> retried(metrics) >= 3, TIMEOUT, "three retries while S3 is down");
    assertThat(result(request.requestId())).as("no verdict during an outage").isEmpty();
    assertThat(committed(sent))
        .as("the request is not committed")
        .isLessThanOrEqualTo(sent.offset());
    assertThat(counter(metrics, "lethe_worker_jobs_failed")).isZero();
    // Failing for longer than the streak limit: not ready (an SRE is paged), but alive.
    Waiting.until(
        () -> status("/health/ready") == 503, TIMEOUT, "readiness DOWN during the outage");
    assertThat(status("/health/live")).isEqualTo(200);

    s3.start(); // same port, same files
    Waiting.until(() -> result(request.requestId()).isPresent(), TIMEOUT, "a result");
    UnlearningResult result = result(request.requestId()).orElseThrow();
    assertThat(result.status())
        .as("%s", result.error())
        .isEqualTo(UnlearningResult.Status.SUCCEEDED);
    assertThat(result.version()).isEqualTo(2);
    Waiting.until(() -> committed(sent) > sent.offset(), TIMEOUT, "offset committed");
    Waiting.until(() -> status("/health/ready") == 200, TIMEOUT, "readiness UP again");
    assertThat(counter(metrics, "lethe_worker_jobs_failed")).isZero();
    assertThat(counter(metrics, "lethe_worker_jobs_succeeded")).isEqualTo(1.0);
    assertThat(
            metrics
                .registry()
                .get("lethe_worker_consumer_retries")
                .tags("topic", Topics.FORGET_REQUESTS)
                .counter()
                .count())
        .isEqualTo(retried(metrics));
  }

  private String storeVersionOne(S3Settings s3Settings) throws Exception {
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 40, 10, 12);
    DatasetSource source = DatasetSource.csv(data.manifests(), data.imageRoot(), "mufac", 16, 1);
    ImageDataset dataset = source.load();
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
        TrainingRecipe.builder().optEpochs(1).optBatchSize(32).optLearningRate(0.05f).build(),
        original,
        ProgressListener.NONE);
    new DatasetStore(s3Settings).putSnapshot(DATA, dataset);
    new ModelStore(s3Settings)
        .putVersion(
            MODEL,
            NewVersion.builder(
                    Method.TRAIN,
                    Files.readString(original.resolve(Checkpoints.MANIFEST_FILE)),
                    Files.readAllBytes(original.resolve(Checkpoints.PARAMETERS_FILE)),
                    dataset.fingerprint())
                .optDataset(DATA, 0)
                .build());
    return dataset.fingerprint();
  }

  private ForgetRequest request(String id, String datasetVersion) {
    List<String> subjects = List.of("p0001");
    return new ForgetRequest(
        id,
        "corr-" + id,
        MODEL,
        1,
        Method.DLFD,
        Map.of("perturbationSteps", 2, "scoreSampleSize", 64),
        subjects,
        subjects.stream().map(s -> s + "_0.png").toList(),
        List.of("evt-" + id),
        datasetVersion,
        Instant.now());
  }

  private static double retried(Metrics metrics) {
    return counter(metrics, "lethe_worker_jobs_retried");
  }

  private static double counter(Metrics metrics, String name) {
    return metrics.registry().get(name).counter().count();
  }

  private Optional<UnlearningResult> result(String requestId) {
    results.poll(Duration.ofMillis(200)).forEach(seen::add);
    return seen.stream()
        .map(r -> codec.decode(r.value(), UnlearningResult.class))
        .filter(r -> r.requestId().equals(requestId))
        .findFirst();
  }

  private KafkaConsumer<byte[], byte[]> resultReader() {
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-outage-reader-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
    c.subscribe(List.of(Topics.UNLEARNING_RESULTS));
    return c;
  }

  private long committed(RecordMetadata sent) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(sent.topic(), sent.partition()));
      return o == null ? -1 : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private int status(String path) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + running.httpPort() + path))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
