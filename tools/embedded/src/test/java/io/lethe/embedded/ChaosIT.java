package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.LocalKafka;
import io.lethe.infra.LocalS3;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.registry.store.S3Settings;
import io.lethe.testutils.MufacLikeDataset;
import io.lethe.testutils.auth.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing twice, through faults. The four services run as separate processes (as a
 * deployment would: {@code IntakeMain}, three {@code WorkerMain}, {@code EvaluatorMain}, {@code
 * RegistryMain}) against a Kafka broker and an S3 server that this test owns, so it can stop them.
 * A client posts {@value #DELETIONS} deletions over HTTP for three models, retrying each with its
 * idempotency key until it is accepted (as an upstream would), while the test kills workers with
 * SIGKILL five times (during unlearning where it can), kills the intake twice (once inside a
 * coalescing window), restarts the broker once and stops S3 for 30 s.
 *
 * <p>At the end every accepted deletion's subject is forgotten by the production version of its
 * model, every forget request the intake recorded is in exactly one version (or one failed result
 * with a reason), no model has two versions for one request, and no half-written version's objects
 * are left (a last deletion per model, after the grace, lets its job erase them). The figures are
 * printed. A small model (16×16 grey, a small CNN) keeps it to a few minutes.
 */
class ChaosIT {
  static final int DELETIONS = 105;
  static final int MODELS = 3;
  static final int SUBJECTS = 60;
  static final Duration WINDOW = Duration.ofSeconds(2);
  static final Duration SETTLE = Duration.ofMinutes(10);

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final Random random = new Random(Long.getLong("lethe.chaos.seed", 19L));
  final Map<String, Process> processes = new ConcurrentHashMap<>();
  final Map<String, Integer> ports = new HashMap<>();
  final Map<String, Integer> starts = new ConcurrentHashMap<>();
  final List<String> faults = Collections.synchronizedList(new ArrayList<>());
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = MessageCodec.newObjectMapper();
  final MessageCodec codec = new MessageCodec();
  final Path logs = Path.of("target", "chaos-" + run).toAbsolutePath();

  @TempDir Path dir;
  LocalKafka kafka;
  LocalS3 s3;
  S3Settings s3Settings;

  @AfterEach
  void stopEverything() {
    processes.values().forEach(Process::destroyForcibly);
    if (kafka != null) {
      kafka.stop();
    }
    if (s3 != null) {
      s3.stop();
    }
  }

  @Test
  void everyAcceptedDeletionEndsInExactlyOneVersionThroughKillsAndOutages() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(logs);
    kafka = LocalKafka.builder(dir.resolve("kafka")).port(freePort()).build().start();
    s3 = LocalS3.builder(dir.resolve("s3")).port(freePort()).build().start();
    s3Settings =
        new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-models");
    PipelineTopics.ensure(kafka.bootstrapServers(), PipelineTopics.DEFAULT_PARTITIONS);
    Map<String, List<String>> subjectsByModel = registerModels();

    for (String service : List.of("registry", "evaluator", "intake", "worker-1", "worker-2")) {
      ports.put(service, freePort());
    }
    ports.put("worker-3", freePort());
    ports.put("registry-api", freePort());
    for (String service :
        List.of("registry", "evaluator", "intake", "worker-1", "worker-2", "worker-3")) {
      start(service);
    }
    awaitReady("intake");

    // The deletions: one subject of one model each, every subject at most once per model.
    List<Deletion> deletions = new ArrayList<>();
    Map<String, List<String>> left = new HashMap<>();
    subjectsByModel.forEach((m, s) -> left.put(m, new ArrayList<>(s)));
    for (int i = 0; i < DELETIONS; i++) {
      String model = "chaos-" + (i % MODELS);
      List<String> pool = left.get(model);
      String subject = pool.remove(random.nextInt(pool.size()));
      deletions.add(new Deletion("del-" + run + "-" + i, model, subject));
    }
    Client client = new Client(deletions);
    Thread posting = new Thread(client, "chaos-client");
    posting.start();
    chaos();
    posting.join(Duration.ofMinutes(5).toMillis());
    assertThat(posting.isAlive()).as("the client got every deletion accepted").isFalse();
    assertThat(client.failure).isNull();
    double faultSeconds = (System.nanoTime() - t0) / 1e9;

    // Settle: every accepted deletion's subject forgotten by production of its model.
    ModelStore store = new ModelStore(s3Settings);
    long deadline = System.nanoTime() + SETTLE.toNanos();
    Map<String, Set<String>> missing = missing(store, deletions);
    while (!missing.values().stream().allMatch(Set::isEmpty) && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      missing = missing(store, deletions);
    }
    // A last deletion per model after the grace: its job erases what a killed upload left.
    Thread.sleep(12_000);
    List<Deletion> last = new ArrayList<>();
    for (int m = 0; m < MODELS; m++) {
      String model = "chaos-" + m;
      List<String> pool = left.get(model);
      last.add(new Deletion("del-" + run + "-last-" + m, model, pool.remove(0)));
    }
    Client closing = new Client(last);
    closing.run();
    assertThat(closing.failure).isNull();
    deletions.addAll(last);
    client.accepted.addAll(closing.accepted);
    deadline = System.nanoTime() + SETTLE.toNanos();
    missing = missing(store, deletions);
    while (!missing.values().stream().allMatch(Set::isEmpty) && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      missing = missing(store, deletions);
    }
    Map<String, Set<String>> failedRequests = failedResults();

    // Figures.
    Map<String, List<Integer>> versionsByRequest = new TreeMap<>();
    int versions = 0;
    int halfWritten = 0;
    for (int m = 0; m < MODELS; m++) {
      String model = "chaos-" + m;
      for (int v : store.versions(model)) {
        versions++;
        ModelVersionManifest manifest = store.manifest(model, v);
        for (String id : manifest.forgetRequestIds()) {
          versionsByRequest.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
        }
      }
      halfWritten += halfWritten(model, store.versions(model));
    }
    Map<String, List<String>> requestsByDeletion = new LinkedHashMap<>();
    for (Deletion d : deletions) {
      requestsByDeletion.put(d.key(), requestIds(d.key()));
    }
    long lost = missing.values().stream().mapToLong(Set::size).sum();
    long duplicated = versionsByRequest.values().stream().filter(v -> v.size() > 1).count();
    Set<String> recorded = new TreeSet<>();
    requestsByDeletion.values().forEach(recorded::addAll);
    long unaccounted =
        recorded.stream()
            .filter(id -> !versionsByRequest.containsKey(id) && !failedRequests.containsKey(id))
            .count();
    System.out.printf(
        "chaos: %d deletions accepted over %d models (%d HTTP attempts refused or unanswered"
            + " while a fault lasted), %d forget requests recorded, %d versions made; lost %d,"
            + " requests in two versions %d, requests in no version and without a failed result"
            + " %d, failed results %d, half-written versions %d; faults (%d): %s; restarts %s;"
            + " %.0f s of faults and posting, %.0f s in all%n",
        client.accepted.size(),
        MODELS,
        client.refused,
        recorded.size(),
        versions,
        lost,
        duplicated,
        unaccounted,
        failedRequests.size(),
        halfWritten,
        faults.size(),
        faults,
        starts,
        faultSeconds,
        (System.nanoTime() - t0) / 1e9);

    assertThat(client.accepted).hasSize(DELETIONS + MODELS);
    assertThat(missing)
        .as("subjects not forgotten by production (logs in %s)", logs)
        .allSatisfy((model, subjects) -> assertThat(subjects).isEmpty());
    assertThat(duplicated).as("requests unlearned twice: %s", versionsByRequest).isZero();
    assertThat(unaccounted).as("recorded requests that ended nowhere").isZero();
    assertThat(failedRequests).as("failed results (a fault must be waited out)").isEmpty();
    assertThat(halfWritten).as("versions claimed but never made visible").isZero();
    for (Map.Entry<String, List<String>> e : requestsByDeletion.entrySet()) {
      assertThat(e.getValue()).as("requests of deletion %s", e.getKey()).hasSize(1);
    }
  }

  record Deletion(String key, String model, String subject) {}

  /** Posts every deletion, each until the intake accepts it (202, or 200 for a repeat). */
  final class Client implements Runnable {
    final List<Deletion> deletions;
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    volatile int refused;
    volatile Throwable failure;

    Client(List<Deletion> deletions) {
      this.deletions = deletions;
    }

    @Override
    public void run() {
      try {
        for (Deletion d : deletions) {
          String body =
              """
              {"eventId": "%s", "idempotencyKey": "%s", "occurredAt": "2026-01-01T00:00:00Z",
               "source": "chaos", "subjectIds": ["%s"], "modelIds": ["%s"]}
              """
                  .formatted("evt-" + d.key(), d.key(), d.subject(), d.model());
          while (true) {
            int status;
            try {
              status = post(body).statusCode();
            } catch (IOException e) {
              status = -1;
            }
            if (status == 202 || status == 200) {
              accepted.add(d.key());
              break;
            }
            if (status >= 400 && status < 500) {
              throw new AssertionError("deletion " + d + " refused with " + status);
            }
            refused++;
            Thread.sleep(500);
          }
          Thread.sleep(250 + random.nextInt(500));
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  /** Five worker kills, two intake kills, a broker restart and a 30 s S3 outage. */
  private void chaos() throws Exception {
    Thread.sleep(4000);
    killWorkerDuringAJob("worker-1");
    Thread.sleep(3000);
    kill("intake", "inside the coalescing window");
    start("intake");
    Thread.sleep(4000);
    killWorkerDuringAJob("worker-2");
    Thread.sleep(2000);
    faults.add("broker stopped for 10 s");
    kafka.stop();
    Thread.sleep(10_000);
    kafka.start();
    Thread.sleep(5000);
    killWorkerDuringAJob("worker-3");
    Thread.sleep(2000);
    faults.add("S3 stopped for 30 s");
    s3.stop();
    Thread.sleep(30_000);
    s3.start();
    Thread.sleep(3000);
    kill("intake", "after the outage");
    start("intake");
    killWorkerDuringAJob("worker-1");
    Thread.sleep(3000);
    killWorkerDuringAJob("worker-2");
  }

  /** Kills {@code worker} once its log shows a job running (or after 20 s), then restarts it. */
  private void killWorkerDuringAJob(String worker) throws Exception {
    Path log = logs.resolve(worker + "-" + starts.get(worker) + ".log");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String when = "while idle";
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      int started = text.lastIndexOf(") started");
      int ended = Math.max(text.lastIndexOf(" SUCCEEDED ("), text.lastIndexOf(" FAILED ("));
      if (started > ended) {
        when = "during a job";
        break;
      }
      Thread.sleep(100);
    }
    kill(worker, when);
    start(worker);
  }

  private void kill(String service, String when) throws Exception {
    Process p = processes.get(service);
    p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    faults.add("kill -9 " + service + " " + when);
  }

  private void start(String service) throws IOException {
    int n = starts.merge(service, 1, Integer::sum);
    String main =
        switch (service.replaceAll("-\\d+$", "")) {
          case "intake" -> "io.lethe.intake.IntakeMain";
          case "worker" -> "io.lethe.worker.WorkerMain";
          case "evaluator" -> "io.lethe.evaluator.EvaluatorMain";
          case "registry" -> "io.lethe.registry.service.RegistryMain";
          default -> throw new IllegalArgumentException(service);
        };
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                main)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(service + "-" + n + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("KAFKA_CLIENT_ID", service + "-" + run);
    // A killed member's partitions move after 6 s, not 45 s.
    env.put("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
    env.put("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
    env.put(S3Settings.ENDPOINT_VARIABLE, s3Settings.endpoint());
    env.put(S3Settings.ACCESS_KEY_VARIABLE, s3Settings.accessKey());
    env.put(S3Settings.SECRET_KEY_VARIABLE, s3Settings.secretKey());
    env.put(S3Settings.REGION_VARIABLE, s3Settings.region());
    env.put("HTTP_PORT", String.valueOf(ports.get(service)));
    env.put("INTAKE_MODEL_CATALOG", "registry");
    env.put("INTAKE_COALESCE_WINDOW", WINDOW.toString());
    env.put("INTAKE_CATALOG_REFRESH", "PT1S");
    env.put("REGISTRY_API_PORT", String.valueOf(ports.get("registry-api")));
    // The API services accept the test tokens, from a file as a deployment's secret would be.
    Path tokens = logs.resolve("api-tokens");
    if (!Files.exists(tokens)) {
      Files.writeString(tokens, TestTokens.config());
    }
    env.put("LETHE_API_TOKENS_FILE", tokens.toString());
    // Delivery is under test here, not forgetting quality: every evaluated version may pass.
    env.put("EVALUATOR_MAX_FORGETTING_SCORE", "0.5");
    env.put("EVALUATOR_MAX_NOMUS_DROP", "1");
    env.put("EVALUATOR_MAX_ACCURACY_DROP", "1");
    env.put("EVALUATOR_NOISE_BAND_SIGMAS", "100");
    // A worker killed mid-upload leaves a half-written version: the next job of its model erases
    // its objects once they are this old.
    env.put("WORKER_ABANDONED_VERSION_GRACE", "PT10S");
    processes.put(service, pb.start());
  }

  private void awaitReady(String service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(service) + "/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(service + " not ready; logs in " + logs);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get("intake") + "/v1/deletions"))
            .header("content-type", "application/json")
            .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The request ids the intake's ledger lists for a deletion (any intake answers). */
  private List<String> requestIds(String key) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ports.get("intake") + "/v1/deletions/" + key))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode req : json.readTree(r.body()).path("requests")) {
      ids.add(req.path("requestId").asText());
    }
    return ids;
  }

  /** Per model, the accepted subjects that production has not forgotten (yet). */
  private Map<String, Set<String>> missing(ModelStore store, List<Deletion> deletions) {
    Map<String, Set<String>> missing = new TreeMap<>();
    for (int m = 0; m < MODELS; m++) {
      String model = "chaos-" + m;
      Set<String> forgotten;
      try {
        int production = store.resolve(model, "production");
        forgotten = new TreeSet<>(store.manifest(model, production).subjectsForgotten());
      } catch (RuntimeException e) {
        forgotten = Set.of(); // S3 not reachable this instant
      }
      Set<String> f = forgotten;
      missing.put(
          model,
          deletions.stream()
              .filter(d -> d.model().equals(model) && !f.contains(d.subject()))
              .map(Deletion::subject)
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    return missing;
  }

  /** Failed unlearning results on the topic, by request id, with their reasons. */
  private Map<String, Set<String>> failedResults() {
    Map<String, Set<String>> failed = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.UNLEARNING_RESULTS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          UnlearningResult u = codec.decode(r.value(), UnlearningResult.class);
          if (u.status() == UnlearningResult.Status.FAILED) {
            failed.computeIfAbsent(u.requestId(), k -> new TreeSet<>()).add(u.error());
          }
        }
      }
    }
    return failed;
  }

  /**
   * Versions whose objects (parameters, checkpoint) are in S3 without a manifest: what a writer
   * killed mid-upload leaves, until a later job erases it. A bare claim (kept so the number is
   * never reused) holds no model bytes and is not counted.
   */
  private int halfWritten(String model, List<Integer> visible) {
    io.minio.MinioClient client = s3Settings.newClient();
    Map<Integer, Set<String>> files = new TreeMap<>();
    String prefix = "models/" + model + "/v";
    for (var item :
        client.listObjects(
            io.minio.ListObjectsArgs.builder()
                .bucket(s3Settings.bucket())
                .prefix(prefix)
                .recursive(true)
                .build())) {
      try {
        String rest = item.get().objectName().substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash > 0 && rest.substring(0, slash).chars().allMatch(Character::isDigit)) {
          files
              .computeIfAbsent(Integer.parseInt(rest.substring(0, slash)), k -> new TreeSet<>())
              .add(rest.substring(slash + 1));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    int n = 0;
    for (Map.Entry<Integer, Set<String>> e : files.entrySet()) {
      if (!visible.contains(e.getKey()) && !e.getValue().equals(Set.of("claim.json"))) {
        System.out.printf("chaos: %s v%d half-written: %s%n", model, e.getKey(), e.getValue());
        n++;
      }
    }
    return n;
  }

  /** Three models, each on its own copy of one small dataset, v1 at production. */
  private Map<String, List<String>> registerModels() throws Exception {
    MufacLikeDataset.Written data =
        new MufacLikeDataset(4, 16, 10, 23).write(dir, SUBJECTS, 10, 12);
    DatasetSource source = DatasetSource.csv(data.manifests(), data.imageRoot(), "mufac", 16, 1);
    ImageDataset dataset = source.load();
    Path original = dir.resolve("original");
    ModelLineage.train(
        source,
        dataset,
        ModelSpec.of(
            Architecture.SMALL_CNN,
            1,
            16,
            dataset.labelSchema().numOutputs(),
            Normalization.uniform(1, 0.2860f, 0.3530f)),
        TrainingRecipe.builder().optEpochs(2).optBatchSize(32).optLearningRate(0.05f).build(),
        original,
        ProgressListener.NONE);
    ModelStore store = new ModelStore(s3Settings);
    DatasetStore datasets = new DatasetStore(s3Settings);
    List<String> trainSubjects =
        dataset.samples().stream()
            .filter(s -> s.split() == Split.TRAIN)
            .map(Sample::subjectId)
            .distinct()
            .sorted()
            .toList();
    Map<String, List<String>> subjects = new LinkedHashMap<>();
    for (int m = 0; m < MODELS; m++) {
      String model = "chaos-" + m;
      String datasetId = "chaos-data-" + m;
      datasets.putSnapshot(datasetId, dataset);
      store.putVersion(
          model,
          NewVersion.builder(
                  Method.TRAIN,
                  Files.readString(original.resolve(Checkpoints.MANIFEST_FILE)),
                  Files.readAllBytes(original.resolve(Checkpoints.PARAMETERS_FILE)),
                  dataset.fingerprint())
              .optDataset(datasetId, 0)
              .build());
      store.promote(model, "production", 1);
      subjects.put(model, trainSubjects);
    }
    return subjects;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
