package io.lethe.embedded;

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
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.testutils.MufacLikeDataset;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes (child JVMs running {@code WorkerMain}, as a deployment would) in one
 * consumer group share the forget requests of three models: both do work, and no request is
 * unlearned twice. Which worker ran a job is read from its own log ({@code job <id> ... started}):
 * the worker's identity is its process. Robust to a shared broker: the group is new per run and
 * starts at the end of {@code lethe.forget-requests}; models and bucket carry the run id.
 */
class TwoWorkersIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  private final String group = "lethe-worker-two-" + run;
  private final MessageCodec codec = new MessageCodec();
  private final List<Process> workers = new ArrayList<>();
  private final Path logs = Path.of("target", "two-workers-" + run).toAbsolutePath();

  @TempDir Path dir;

  @AfterEach
  void stopWorkers() throws Exception {
    for (Process p : workers) {
      p.destroy(); // SIGTERM: the worker's shutdown hook stops it cleanly
    }
    for (Process p : workers) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twoWorkerProcessesShareTheRequestsAndNoneIsProcessedTwice() throws Exception {
    PipelineTopics.ensure(bootstrap, PipelineTopics.DEFAULT_PARTITIONS);
    // A shared broker holds earlier tests' forget requests: the new group must not process them.
    ConsumerGroups.startAtEnd(bootstrap, group, List.of(Topics.FORGET_REQUESTS));
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-two-" + run);
    ModelStore store = new ModelStore(s3Settings);
    Path original = dir.resolve("original");
    String datasetVersion = trainTinyModel(original);

    workers.add(startWorker("a", s3Settings));
    workers.add(startWorker("b", s3Settings));
    Map<String, Set<Integer>> assignment = awaitGroupOfTwo();

    // One model per member's partitions, and a third: both members must get work.
    List<String> models = modelsCovering(assignment);
    for (String model : models) {
      store.putVersion(
          model,
          NewVersion.builder(
                  Method.TRAIN,
                  Files.readString(original.resolve(Checkpoints.MANIFEST_FILE)),
                  Files.readAllBytes(original.resolve(Checkpoints.PARAMETERS_FILE)),
                  datasetVersion)
              .build());
    }
    List<String> requestIds = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      ContractProducer producer =
          new ContractProducer(vertx, new KafkaSettings(bootstrap, "two-" + run, group), codec);
      producer.start().await();
      for (String model : models) {
        String id = "fr-" + model;
        requestIds.add(id);
        producer
            .send(Contract.FORGET_REQUEST, model, request(id, model, datasetVersion), "corr-" + id)
            .await();
      }
      producer.stop().await();
    } finally {
      vertx.close().await();
    }

    Map<String, Integer> succeeded = awaitResults(requestIds);
    assertThat(succeeded).as("successful results per request").containsOnlyKeys(requestIds);
    assertThat(succeeded.values()).as("results per request").containsOnly(1);
    for (String model : models) {
      assertThat(store.versions(model)).as("versions of %s", model).containsExactly(1, 2);
    }

    String logA = Files.readString(logs.resolve("worker-a.log"));
    String logB = Files.readString(logs.resolve("worker-b.log"));
    int byA = 0;
    int byB = 0;
    for (String id : requestIds) {
      boolean a = logA.contains("job " + id + " (");
      boolean b = logB.contains("job " + id + " (");
      assertThat(a ^ b).as("%s started by exactly one worker", id).isTrue();
      byA += a ? 1 : 0;
      byB += b ? 1 : 0;
    }
    assertThat(byA).as("jobs of worker a (log %s)", logs).isPositive();
    assertThat(byB).as("jobs of worker b (log %s)", logs).isPositive();
  }

  private String trainTinyModel(Path out) throws Exception {
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
    ModelLineage.train(
        source,
        dataset,
        spec,
        TrainingRecipe.builder().optEpochs(2).optBatchSize(32).optLearningRate(0.05f).build(),
        out,
        ProgressListener.NONE);
    return dataset.fingerprint();
  }

  private Process startWorker(String name, S3Settings s3) throws Exception {
    Files.createDirectories(logs);
    Path log = logs.resolve("worker-" + name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.lethe.worker.WorkerMain")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap);
    env.put(KafkaSettings.GROUP_ID, group);
    env.put(KafkaSettings.CLIENT_ID, "worker-" + name + "-" + run);
    env.put(S3Settings.ENDPOINT_VARIABLE, s3.endpoint());
    env.put(S3Settings.ACCESS_KEY_VARIABLE, s3.accessKey());
    env.put(S3Settings.SECRET_KEY_VARIABLE, s3.secretKey());
    env.put(S3Settings.REGION_VARIABLE, s3.region());
    env.put(S3Settings.BUCKET_VARIABLE, s3.bucket());
    env.put("HTTP_PORT", "0");
    return pb.start();
  }

  /** Waits until both workers are members of the group, and returns each member's partitions. */
  private Map<String, Set<Integer>> awaitGroupOfTwo() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        for (Process p : workers) {
          assertThat(p.isAlive()).as("worker process alive (logs in %s)", logs).isTrue();
        }
        ConsumerGroupDescription d;
        try {
          d =
              admin
                  .describeConsumerGroups(List.of(group))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(group);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
          Thread.sleep(500); // neither worker has joined yet
          continue;
        }
        Map<String, Set<Integer>> byMember = new HashMap<>();
        for (MemberDescription m : d.members()) {
          Set<Integer> partitions = new TreeSet<>();
          for (TopicPartition tp : m.assignment().topicPartitions()) {
            if (tp.topic().equals(Topics.FORGET_REQUESTS)) {
              partitions.add(tp.partition());
            }
          }
          if (!partitions.isEmpty()) {
            byMember.put(m.consumerId(), partitions);
          }
        }
        if (byMember.size() == 2) {
          return byMember;
        }
        Thread.sleep(500);
      }
      throw new AssertionError("the two workers did not both join group " + group);
    }
  }

  /** Three model ids whose records land on partitions of both members. */
  private List<String> modelsCovering(Map<String, Set<Integer>> assignment) throws Exception {
    int partitions;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      partitions =
          admin
              .describeTopics(List.of(Topics.FORGET_REQUESTS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(Topics.FORGET_REQUESTS)
              .partitions()
              .size();
    }
    List<String> models = new ArrayList<>();
    List<Set<Integer>> targets = new ArrayList<>(assignment.values());
    targets.add(targets.get(0));
    int i = 0;
    for (Set<Integer> target : targets) {
      while (true) {
        String candidate = "tiny-" + run + "-" + i++;
        // The default partitioner of keyed records: murmur2 of the key.
        int partition =
            Utils.toPositive(Utils.murmur2(candidate.getBytes(StandardCharsets.UTF_8)))
                % partitions;
        if (target.contains(partition)) {
          models.add(candidate);
          break;
        }
      }
    }
    return models;
  }

  private ForgetRequest request(String id, String model, String datasetVersion) {
    List<String> subjects = List.of("p0001", "p0002");
    return new ForgetRequest(
        id,
        "corr-" + id,
        model,
        1,
        Method.DLFD,
        Map.of("perturbationSteps", 2, "scoreSampleSize", 64),
        subjects,
        subjects.stream().map(s -> s + "_0.png").toList(),
        List.of("evt-" + id),
        datasetVersion,
        Instant.now());
  }

  /** Successful results per request id, read until all are in and a little longer. */
  private Map<String, Integer> awaitResults(List<String> requestIds) {
    Map<String, Integer> succeeded = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "two-results-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      consumer.subscribe(List.of(Topics.UNLEARNING_RESULTS));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        consumer
            .poll(Duration.ofMillis(500))
            .forEach(
                r -> {
                  UnlearningResult u = codec.decode(r.value(), UnlearningResult.class);
                  if (requestIds.contains(u.requestId())) {
                    assertThat(u.status())
                        .as("result of %s: %s", u.requestId(), u.error())
                        .isEqualTo(UnlearningResult.Status.SUCCEEDED);
                    succeeded.merge(u.requestId(), 1, Integer::sum);
                  }
                });
        if (settleUntil == Long.MAX_VALUE && succeeded.size() == requestIds.size()) {
          // A duplicate would follow its original closely: keep reading a little.
          settleUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
      }
    }
    assertThat(succeeded.keySet())
        .as("requests with a result within %s (worker logs in %s)", TIMEOUT, logs)
        .containsExactlyInAnyOrderElementsOf(requestIds);
    return succeeded;
  }
}
