package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Topics;
import io.lethe.infra.KafkaTopics;
import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.S3Settings;
import io.lethe.testutils.Waiting;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with SIGKILL runs no clean-up: a model file the engine was loading (a TorchScript
 * module) stays on disk. Here real {@code WorkerMain} processes share a {@code WORKER_SCRATCH_DIR}:
 * the first is killed while such a file is in its process directory, and the next one to start
 * deletes it before it is ready, leaving a live process's directory alone; a clean stop (SIGTERM)
 * deletes the worker's own directory.
 */
class WorkerScratchIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void killAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aKilledWorkersScratchIsDeletedByTheNextWorkerToStart() throws Exception {
    long t0 = System.nanoTime();
    KafkaTopics.ensure(
        ServerEnvironment.kafkaBootstrapServers(),
        List.of(Topics.FORGET_REQUESTS, Topics.JOB_PROGRESS, Topics.UNLEARNING_RESULTS));
    Path root = dir.resolve("scratch");
    // A live process's directory (this JVM's): never touched.
    Path live =
        Files.createDirectories(root.resolve("pid-" + ProcessHandle.current().pid() + "-0a"));
    Files.write(live.resolve("in-use.bin"), new byte[16]);

    int firstPort = freePort();
    Process first = start(root, firstPort, "worker-1");
    Path firstDir = awaitProcessDir(root, first.pid());
    awaitReady(firstPort, "worker-1");
    // A job in progress: a TorchScript module the engine loads from a file.
    Path parent = Files.createDirectories(firstDir.resolve("lethe-torchscript4711"));
    Files.write(parent.resolve("model.pt"), new byte[1 << 20]);

    assertThat(first.destroyForcibly().waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    assertThat(parent.resolve("model.pt")).as("SIGKILL runs no clean-up").exists();

    int secondPort = freePort();
    Process second = start(root, secondPort, "worker-2");
    awaitReady(secondPort, "worker-2");
    Path secondDir = awaitProcessDir(root, second.pid());

    assertThat(firstDir).as("the killed worker's scratch").doesNotExist();
    assertThat(live.resolve("in-use.bin")).as("a live process's scratch").exists();
    assertThat(secondDir.getParent()).isEqualTo(firstDir.getParent());
    String log = Files.readString(dir.resolve("worker-2.log"));
    assertThat(log)
        .contains("deleted the scratch directories of 1 dead worker process(es)")
        .contains(" in " + root.toRealPath() + ": " + (1 << 20) + " bytes");

    // A clean stop (SIGTERM: the shutdown hook stops the worker) deletes its own directory.
    second.destroy();
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(secondDir).doesNotExist();
    assertThat(live).exists();
    System.out.printf(
        "[scratch] kill -9, restart, clean stop: %.1f s wall time%n",
        (System.nanoTime() - t0) / 1e9);
  }

  private Process start(Path scratch, int port, String name) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    env.put("KAFKA_BOOTSTRAP_SERVERS", ServerEnvironment.kafkaBootstrapServers());
    env.put("KAFKA_CLIENT_ID", name + "-" + run);
    env.put("KAFKA_GROUP_ID", "lethe-worker-scratch-it-" + run);
    // The killed member's partitions move after 6 s, not 45 s.
    env.put("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
    env.put("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
    env.put(S3Settings.ENDPOINT_VARIABLE, s3.endpoint());
    env.put(S3Settings.ACCESS_KEY_VARIABLE, s3.accessKey());
    env.put(S3Settings.SECRET_KEY_VARIABLE, s3.secretKey());
    env.put(S3Settings.REGION_VARIABLE, s3.region());
    env.put("S3_BUCKET", "lethe-scratch-it-" + run);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put(WorkerSettings.SCRATCH_DIR, scratch.toString());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private Path awaitProcessDir(Path root, long pid) throws Exception {
    Path[] found = new Path[1];
    Waiting.until(
        () -> {
          found[0] = processDir(root, pid).orElse(null);
          return found[0] != null;
        },
        TIMEOUT,
        "the scratch directory of process " + pid);
    return found[0];
  }

  private static Optional<Path> processDir(Path root, long pid) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(p -> p.getFileName().toString().startsWith("pid-" + pid + "-"))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void awaitReady(int port, String name) throws Exception {
    Waiting.until(
        () -> status(port, "/health/ready") == 200, TIMEOUT, name + " ready (log in " + dir + ")");
  }

  private int status(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
