package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code lethe-pipeline register} as compose's {@code seed} runs it: a separate JVM with the S3
 * keys in files ({@code S3_*_KEY_FILE}), against the build's real Kafka and S3 ({@link
 * ServerEnvironment}). The first run uploads the dataset, trains a small original and registers it
 * as v1 with alias production, naming a dataset snapshot whose subjects the intake can resolve; the
 * second run says "already registered, v1", exits 0 and writes nothing to the bucket. Neither
 * publishes a deletion event, joins a consumer group (no service started), nor writes API tokens.
 *
 * <p>Small recipe (600 training images, 1 epoch): about 30 s on two idle cores, most of it the
 * first run's JVM, DJL start and training.
 */
class RegisterIT {
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String model = "register-cnn-" + run;
  final String bucket = "lethe-register-it-" + run;
  final Path dir = Path.of("target", "register-it-" + run).toAbsolutePath();
  final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  final ServerEnvironment.S3 s3 = ServerEnvironment.s3();
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void registersOnceThenSaysAlreadyRegisteredAndChangesNothing() throws Exception {
    assertThat(IdxDatasetReader.FASHION_MNIST_DIR)
        .as("Fashion-MNIST is missing (Debian's dataset-fashion-mnist)")
        .isDirectory();
    long t0 = System.nanoTime();
    Files.createDirectories(dir);
    Path accessKey = Files.writeString(dir.resolve("s3-access-key"), s3.accessKey() + "\n");
    Path secretKey = Files.writeString(dir.resolve("s3-secret-key"), s3.secretKey() + "\n");
    long eventsBefore = deletionEvents();
    Set<String> groupsBefore = consumerGroups();

    // First run: registers.
    Path log1 = dir.resolve("register-1.log");
    long first = System.nanoTime();
    assertThat(register(log1, accessKey, secretKey)).as("exit status (log %s)", log1).isZero();
    double firstSeconds = (System.nanoTime() - first) / 1e9;
    String out1 = Files.readString(log1);
    assertThat(out1)
        .contains("original: training", "registry: dataset ", " uploaded", "registered as v1")
        .doesNotContain("services:", "event:", "api:", "serving:");

    S3Settings settings =
        new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
    ModelStore store = new ModelStore(settings);
    DatasetStore datasets = new DatasetStore(settings);
    assertThat(store.versions(model)).containsExactly(1);
    AliasHistory production = store.aliasHistory(model, "production").orElseThrow();
    assertThat(production.current()).isEqualTo(1);
    ModelVersionManifest v1 = store.manifest(model, 1);
    assertThat(v1.method()).isEqualTo(Method.TRAIN);
    assertThat(v1.parentVersion()).isNull();
    // What the real services need: the intake resolves subjects from the manifest's dataset (its
    // latest revision), the worker materialises that dataset from the same bucket.
    assertThat(v1.datasetId()).startsWith("fashion-mnist-");
    assertThat(v1.datasetRevision()).isZero();
    assertThat(out1).contains("dataset " + v1.datasetId());
    assertThat(datasets.latest(v1.datasetId())).isZero();
    assertThat(datasets.subjectSamples(v1.datasetId(), 0)).hasSizeGreaterThan(10);
    assertThat(datasets.snapshot(v1.datasetId()).orElseThrow().fingerprint())
        .isEqualTo(v1.datasetVersion());
    Map<String, String> objects = objects(settings);

    // Second run: already registered, nothing written.
    Path log2 = dir.resolve("register-2.log");
    long second = System.nanoTime();
    assertThat(register(log2, accessKey, secretKey)).as("exit status (log %s)", log2).isZero();
    double secondSeconds = (System.nanoTime() - second) / 1e9;
    String out2 = Files.readString(log2);
    assertThat(out2)
        .contains("already registered, v1")
        .doesNotContain("original: training", "uploaded", "registered as");
    assertThat(objects(settings)).as("bucket after the second run").isEqualTo(objects);
    assertThat(store.versions(model)).containsExactly(1);
    assertThat(store.aliasHistory(model, "production").orElseThrow()).isEqualTo(production);

    // No service, no event, no tokens.
    assertThat(deletionEvents()).as("records on " + Topics.DELETION_EVENTS).isEqualTo(eventsBefore);
    assertThat(consumerGroups())
        .as("consumer groups (a service would join one)")
        .isEqualTo(groupsBefore);
    try (var files = Files.walk(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("files under " + dir)
          .doesNotContain(PipelineTokens.FILE)
          .noneMatch(f -> f.contains("token"));
    }
    System.out.printf(
        Locale.ROOT,
        "register-it timings: first run %.1f s; second run %.1f s; total %.1f s%n",
        firstSeconds,
        secondSeconds,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * A model whose original was stored but not aliased (a run stopped in between) gets its alias;
   * one whose latest unaliased version is not an original is refused with status 1. In-process:
   * both are decided before any data is loaded.
   */
  @Test
  void finishesAnInterruptedRegistrationAndRefusesAnUnaliasedNonOriginal() throws Exception {
    S3Settings settings =
        new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
    ModelStore store = new ModelStore(settings);
    Path checkpoint = Files.createDirectories(dir.resolve("checkpoint"));
    // Any valid checkpoint will do: train one tiny original through the registration itself.
    OriginalRegistration.Result seeded =
        OriginalRegistration.builder(
                store,
                new DatasetStore(settings),
                DatasetSource.idx(
                    "fashion-mnist", IdxDatasetReader.FASHION_MNIST_DIR, 200, 100, 10, 0.25, 0, 1),
                checkpoint)
            .optModelId(model + "-src")
            .optTraining(TrainingRecipe.builder().optEpochs(1).build(), EmbeddedPipeline::smallCnn)
            .build()
            .registerIfAbsent();
    String json = store.checkpointJson(model + "-src", 1);
    byte[] parameters = store.parameters(model + "-src", 1);
    String fingerprint = seeded.version().datasetVersion();

    String interrupted = model + "-interrupted";
    store.putVersion(
        interrupted,
        NewVersion.builder(Method.TRAIN, json, parameters, fingerprint)
            .optDataset(seeded.datasetId(), 0)
            .build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(registerInProcess(interrupted, out)).as(out.toString()).isZero();
    assertThat(out.toString()).contains("completed: alias set on v1");
    assertThat(store.aliasHistory(interrupted, "production").orElseThrow().current()).isEqualTo(1);
    assertThat(store.versions(interrupted)).containsExactly(1);

    String unlearned = model + "-unaliased";
    store.putVersion(
        unlearned,
        NewVersion.builder(Method.TRAIN, json, parameters, fingerprint)
            .optDataset(seeded.datasetId(), 0)
            .build());
    store.putVersion(
        unlearned,
        NewVersion.builder(Method.DLFD, json, parameters, fingerprint)
            .optParentVersion(1)
            .optDataset(seeded.datasetId(), 0)
            .build());
    out.reset();
    assertThat(registerInProcess(unlearned, out)).as(out.toString()).isEqualTo(1);
    assertThat(out.toString()).contains("no production alias", "v2 is not a registered original");
    assertThat(store.aliasHistory(unlearned, "production")).isEmpty();
    assertThat(store.versions(unlearned)).containsExactly(1, 2);
  }

  private int registerInProcess(String modelId, ByteArrayOutputStream out) {
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    RegisterCommand command =
        new RegisterCommand(
            Map.of(
                "S3_ENDPOINT", s3.endpoint(),
                "S3_ACCESS_KEY", s3.accessKey(),
                "S3_SECRET_KEY", s3.secretKey(),
                "S3_REGION", s3.region()),
            print,
            print);
    return new CommandLine(command)
        .execute("--model-id=" + modelId, "--bucket=" + bucket, "--no-progress", "--dir=" + dir);
  }

  private int register(Path log, Path accessKey, Path secretKey) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-DDJL_CACHE_DIR=" + Path.of("target", "djl-cache").toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                PipelineCommand.class.getName(),
                "register",
                "--train-limit=600",
                "--test-limit=300",
                "--epochs=1",
                "--no-progress",
                "--dir=" + dir,
                "--model-id=" + model,
                "--bucket=" + bucket)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    // As compose's seed: keys in files; Kafka's address present but not needed.
    env.remove(ServerEnvironment.S3_ACCESS_KEY);
    env.remove(ServerEnvironment.S3_SECRET_KEY);
    env.put(ServerEnvironment.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    env.put(ServerEnvironment.S3_ENDPOINT, s3.endpoint());
    env.put("S3_ACCESS_KEY_FILE", accessKey.toString());
    env.put("S3_SECRET_KEY_FILE", secretKey.toString());
    env.put(ServerEnvironment.S3_REGION, s3.region());
    Process p = pb.start();
    processes.add(p);
    if (!p.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "register did not exit within " + RUN_TIMEOUT + ":\n" + Files.readString(log));
    }
    return p.exitValue();
  }

  /** Records ever written to lethe.deletion-events (0 when the topic does not exist). */
  private long deletionEvents() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!topics.contains(Topics.DELETION_EVENTS)) {
        return 0;
      }
      Map<TopicPartition, OffsetSpec> latest =
          new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
      for (TopicPartitionInfo p :
          admin
              .describeTopics(List.of(Topics.DELETION_EVENTS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(Topics.DELETION_EVENTS)
              .partitions()) {
        latest.put(new TopicPartition(Topics.DELETION_EVENTS, p.partition()), OffsetSpec.latest());
      }
      return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  private Set<String> consumerGroups() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> out = new TreeSet<>();
      for (GroupListing g : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
        out.add(g.groupId());
      }
      return out;
    }
  }

  /** Every object of the bucket with its ETag. */
  private static Map<String, String> objects(S3Settings settings) throws Exception {
    MinioClient client = settings.newClient();
    Map<String, String> out = new TreeMap<>();
    for (Result<Item> r :
        client.listObjects(
            ListObjectsArgs.builder().bucket(settings.bucket()).recursive(true).build())) {
      Item item = r.get();
      out.put(item.objectName(), item.etag());
    }
    assertThat(out).as("objects in " + settings.bucket()).isNotEmpty();
    return out;
  }
}
