package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's main command as a user runs it: {@code lethe-pipeline} (serving, the default) as a
 * separate JVM on the build's Kafka and S3 ({@link ServerEnvironment}), with a state directory of
 * its own. A deletion over HTTP (bearer token from the token file) and one over Kafka; SIGTERM
 * while their unlearning job runs; the process must drain and exit with status 0 within the drain
 * timeout. Restarted on the same directory, it must reuse the registered model (no retraining) and
 * the tokens (the token read before the restart is accepted), and a third deletion goes in; in the
 * end production has forgotten every subject sent. Timings are printed.
 *
 * <p>A small recipe (600 training images, 3 epochs, DLFD with a few perturbation steps: enough for
 * the first job to last the few seconds the test needs to send SIGTERM during it) keeps it to about
 * two minutes on two idle cores.
 */
class ServeIT {
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
  static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  static final Duration SETTLE = Duration.ofMinutes(4);
  static final Pattern INTAKE = Pattern.compile("POST http://127\\.0\\.0\\.1:(\\d+)/v1/deletions");

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String model = "serve-cnn-" + run;
  final String bucket = "lethe-serve-it-" + run;
  final Path dir = Path.of("target", "serve-it-" + run).toAbsolutePath();
  final HttpClient http = HttpClient.newHttpClient();
  final List<Process> processes = new ArrayList<>();
  final Map<String, Double> timings = new LinkedHashMap<>();
  final String bootstrap = ServerEnvironment.kafkaBootstrapServers();
  final ServerEnvironment.S3 s3 = ServerEnvironment.s3();

  @AfterEach
  void stopProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void drainsOnSigtermResumesAfterARestartAndHonoursEveryDeletion() throws Exception {
    assertThat(IdxDatasetReader.FASHION_MNIST_DIR)
        .as("Fashion-MNIST is missing (Debian's dataset-fashion-mnist)")
        .isDirectory();
    long t0 = System.nanoTime();
    List<String> subjects =
        new ArrayList<>(
            UnlearningSplit.pickSubjects(
                DatasetSource.idx(
                        "fashion-mnist",
                        IdxDatasetReader.FASHION_MNIST_DIR,
                        600,
                        300,
                        10,
                        0.25,
                        0,
                        1)
                    .load(),
                3,
                11));
    Files.createDirectories(dir);

    // First start: trains and registers the model, then serves.
    Path log1 = dir.resolve("pipeline-1.log");
    Process first = start(log1);
    String ready1 = awaitLine(first, log1, "serving:", START_TIMEOUT);
    lap("first start (training included)", t0);
    Matcher m = INTAKE.matcher(ready1);
    assertThat(m.find()).as("intake URL in %s", log1).isTrue();
    int intakePort = Integer.parseInt(m.group(1));
    Path tokenFile = dir.resolve(PipelineTokens.FILE);
    assertThat(ready1).contains(tokenFile.toString());
    String token = submitToken(tokenFile);

    // A deletion over HTTP and one over Kafka; SIGTERM while their job runs.
    long sent = System.nanoTime();
    assertThat(post(intakePort, token, "http-1", subjects.get(0)).statusCode()).isEqualTo(202);
    publish("kafka-1", subjects.get(1));
    awaitLine(first, log1, "unlearning started", Duration.ofMinutes(2));
    lap("deletions sent to a job running", sent);
    long term = System.nanoTime();
    first.destroy(); // SIGTERM
    boolean exited = first.waitFor(DRAIN_TIMEOUT.plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    lap("SIGTERM to exit (drain included)", term);
    assertThat(exited).as("exited within the drain timeout (log %s)", log1).isTrue();
    assertThat(first.exitValue()).as("exit status (log %s)", log1).isZero();
    String stopped = Files.readString(log1);
    assertThat(stopped).contains("draining (SIGTERM)", "stopped: worker, evaluator and registry");
    // The job running at SIGTERM was let finish, not cut off by the drain timeout.
    assertThat(stopped.substring(stopped.indexOf("draining (SIGTERM)")))
        .contains("unlearned as " + model)
        .doesNotContain("drain timeout");

    // Restart on the same directory: the model and the tokens are reused, offsets resumed.
    long restart = System.nanoTime();
    Path log2 = dir.resolve("pipeline-2.log");
    Process second = start(log2);
    String ready2 = awaitLine(second, log2, "serving:", START_TIMEOUT);
    lap("restart", restart);
    assertThat(ready2)
        .contains("reused, not retrained", "kept from an earlier run")
        .doesNotContain("original: training");
    m = INTAKE.matcher(ready2);
    assertThat(m.find()).isTrue();
    HttpResponse<String> third =
        post(Integer.parseInt(m.group(1)), token, "http-2", subjects.get(2));
    assertThat(third.statusCode()).as(third.body()).isEqualTo(202);

    // Every subject sent forgotten by production.
    long settle = System.nanoTime();
    ModelStore store =
        new ModelStore(
            new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket));
    long deadline = System.nanoTime() + SETTLE.toNanos();
    Set<String> missing = missing(store, subjects);
    while (!missing.isEmpty() && System.nanoTime() < deadline && second.isAlive()) {
      Thread.sleep(1000);
      missing = missing(store, subjects);
    }
    lap("restart to every deletion honoured", settle);
    assertThat(missing)
        .as("subjects production has not forgotten (logs %s, %s)", log1, log2)
        .isEmpty();

    long term2 = System.nanoTime();
    second.destroy();
    assertThat(second.waitFor(DRAIN_TIMEOUT.plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS))
        .isTrue();
    lap("second SIGTERM to exit", term2);
    assertThat(second.exitValue()).as("exit status (log %s)", log2).isZero();
    lap("total", t0);
    StringBuilder out = new StringBuilder("serve-it timings:");
    timings.forEach((k, v) -> out.append(String.format(Locale.ROOT, " %s %.1f s;", k, v)));
    System.out.println(out);
  }

  private void lap(String what, long since) {
    timings.put(what, (System.nanoTime() - since) / 1e9);
  }

  private Process start(Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-DDJL_CACHE_DIR=" + Path.of("target", "djl-cache").toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                PipelineCommand.class.getName(),
                "--train-limit=600",
                "--test-limit=300",
                "--epochs=3",
                "--no-progress",
                "--no-demo",
                "--dir=" + dir,
                "--model-id=" + model,
                "--bucket=" + bucket,
                "--group-prefix=serve-it-" + run,
                "--coalesce-window=PT1S",
                // Delivery is under test here, not forgetting quality: every version may pass.
                "--max-forgetting-score=0.5",
                "--max-nomus-drop=1",
                "--max-accuracy-drop=1",
                "--noise-band-sigmas=100",
                "--drain-timeout=" + DRAIN_TIMEOUT)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put(ServerEnvironment.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    env.put(ServerEnvironment.S3_ENDPOINT, s3.endpoint());
    env.put(ServerEnvironment.S3_ACCESS_KEY, s3.accessKey());
    env.put(ServerEnvironment.S3_SECRET_KEY, s3.secretKey());
    env.put(ServerEnvironment.S3_REGION, s3.region());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The log up to a line containing {@code needle}; fails if the process exits first. */
  private static String awaitLine(Process p, Path log, String needle, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(needle)) {
        return text;
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "exited with " + p.exitValue() + " before '" + needle + "':\n" + text);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + needle + "' within " + timeout + " in " + log);
  }

  private static String submitToken(Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("submit=")) {
        return line.substring("submit=".length());
      }
    }
    throw new AssertionError("no submit token in " + file);
  }

  private String body(String key, String subject) {
    return """
        {"eventId": "evt-%s-%s", "idempotencyKey": "idem-%s-%s",
         "occurredAt": "2026-01-01T00:00:00Z", "source": "serve-it",
         "subjectIds": ["%s"], "modelIds": ["%s"], "method": "dlfd",
         "hyperparameters": {"perturbationSteps": %d, "sinkhornIterations": 10}}
        """
        .formatted(key, run, key, run, subject, model, key.endsWith("-1") ? 6 : 2);
  }

  private HttpResponse<String> post(int port, String token, String key, String subject)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/deletions"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(key, subject)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void publish(String key, String subject) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.DELETION_EVENTS,
                  ("idem-" + key + "-" + run).getBytes(StandardCharsets.UTF_8),
                  body(key, subject).getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The subjects production's manifest does not list as forgotten (all, before a promotion). */
  private Set<String> missing(ModelStore store, List<String> subjects) {
    Set<String> out = new TreeSet<>(subjects);
    try {
      Optional<AliasHistory> production = store.aliasHistory(model, RegistrySettings.DEFAULT_ALIAS);
      if (production.isPresent()) {
        ModelVersionManifest m = store.manifest(model, production.get().current());
        out.removeAll(m.subjectsForgotten());
      }
    } catch (RuntimeException notYet) {
      // the bucket or alias is not there yet
    }
    return out;
  }
}
