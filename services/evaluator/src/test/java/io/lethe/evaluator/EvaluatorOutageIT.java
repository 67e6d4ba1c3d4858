package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ConsumerGroups;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.LocalS3;
import io.lethe.infra.ServerEnvironment;
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
import java.util.Set;
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
 * The field finding behind issue 19: with the S3 server stopped, the evaluator skipped the version
 * it could not read. Here a REAL S3 server of the test's own is stopped while a result waits: the
 * evaluator must neither skip nor commit it, and report on the version once S3 is back.
 */
class EvaluatorOutageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String MODEL = "outage-tiny";

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "lethe-evaluator-outage-it-" + run;
  @TempDir Path dir;
  private LocalS3 s3;
  private Vertx vertx;
  private ServiceLauncher.Running running;
  private ContractProducer producer;
  private KafkaConsumer<byte[], byte[]> reports;
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
    if (reports != null) {
      reports.close();
    }
    if (s3 != null) {
      s3.stop();
    }
  }

  @Test
  void aVersionThatCannotBeReadWhileS3IsDownIsRetriedNotSkippedAndEvaluatedOnceS3IsBack()
      throws Exception {
    KafkaTopics.ensure(bootstrap, List.of(Topics.UNLEARNING_RESULTS, Topics.EVALUATIONS));
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.UNLEARNING_RESULTS));
    s3 = LocalS3.builder(dir.resolve("s3")).port(freePort()).build().start();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-outage-" + run);
    ModelStore store = new ModelStore(s3Settings);
    storeTwoVersions(store);
    ModelVersionManifest v2 = store.manifest(MODEL, 2);

    vertx = Vertx.vertx();
    Metrics metrics = new Metrics("evaluator");
    KafkaSettings kafka = new KafkaSettings(bootstrap, "evaluator-outage-it-" + run, group);
    running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                metrics.registry(),
                v ->
                    new Evaluator(v, kafka, EvaluatorSettings.defaults(s3Settings), metrics)
                        .optRetry(
                            new RetrySettings(
                                Duration.ofMillis(200),
                                Duration.ofSeconds(1),
                                0.5,
                                Duration.ofMinutes(10)))));
    producer = new ContractProducer(vertx, new KafkaSettings(bootstrap, "it-" + run, group), codec);
    await(producer.start());
    reports = reportReader();

    s3.stop();
    UnlearningResult result =
        new UnlearningResult(
            "fr-outage-" + run,
            "corr-" + run,
            MODEL,
            1,
            2,
            Method.DLFD,
            UnlearningResult.Status.SUCCEEDED,
            new UnlearningResult.Checkpoint(
                v2.checkpointUri(), v2.objects().get(0).sha256(), v2.objects().get(0).bytes()),
            1.5,
            null,
            Instant.now());
    RecordMetadata sent =
        await(producer.send(Contract.UNLEARNING_RESULT, MODEL, result, "corr-" + run));

    Waiting.until(() -> retries(metrics) >= 3, TIMEOUT, "three retries while S3 is down");
    assertThat(report(result.requestId())).as("no report during an outage").isEmpty();
    assertThat(committed(sent)).as("the result is not skipped").isLessThanOrEqualTo(sent.offset());
    assertThat(counter(metrics, "lethe_evaluator_evaluation_errors")).isZero();

    s3.start(); // same port, same files
    Waiting.until(() -> report(result.requestId()).isPresent(), TIMEOUT, "a report");
    EvaluationReportMessage report = report(result.requestId()).orElseThrow();
    assertThat(report.version()).isEqualTo(2);
    Waiting.until(() -> committed(sent) > sent.offset(), TIMEOUT, "offset committed");
    assertThat(counter(metrics, "lethe_evaluator_evaluation_errors")).isZero();
  }

  private void storeTwoVersions(ModelStore store) throws Exception {
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
    Path unlearned = dir.resolve("unlearned");
    ModelLineage.unlearn(
        original,
        dataset,
        new Dlfd(DlfdConfig.builder().optPerturbationSteps(2).optScoreSampleSize(64).build()),
        Set.of("p0001", "p0002"),
        unlearned,
        ProgressListener.NONE);
    String datasetVersion = dataset.fingerprint();
    store.putVersion(MODEL, version(Method.TRAIN, original, datasetVersion).build());
    store.putVersion(
        MODEL,
        version(Method.DLFD, unlearned, datasetVersion)
            .optParentVersion(1)
            .optForgetRequestIds(List.of("fr-outage-" + run))
            .optSubjectsForgotten(List.of("p0001", "p0002"))
            .build());
  }

  private static NewVersion.Builder version(Method method, Path checkpoint, String datasetVersion)
      throws Exception {
    return NewVersion.builder(
        method,
        Files.readString(checkpoint.resolve(Checkpoints.MANIFEST_FILE)),
        Files.readAllBytes(checkpoint.resolve(Checkpoints.PARAMETERS_FILE)),
        datasetVersion);
  }

  private static double retries(Metrics metrics) {
    return metrics
        .registry()
        .get("lethe_evaluator_consumer_retries")
        .tags("topic", Topics.UNLEARNING_RESULTS)
        .counter()
        .count();
  }

  private static double counter(Metrics metrics, String name) {
    return metrics.registry().get(name).counter().count();
  }

  private Optional<EvaluationReportMessage> report(String requestId) {
    reports.poll(Duration.ofMillis(200)).forEach(seen::add);
    return seen.stream()
        .map(r -> codec.decode(r.value(), EvaluationReportMessage.class))
        .filter(r -> r.requestId().equals(requestId))
        .findFirst();
  }

  private KafkaConsumer<byte[], byte[]> reportReader() {
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
    c.subscribe(List.of(Topics.EVALUATIONS));
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
}
