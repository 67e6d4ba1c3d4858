package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.ForgetRequest;
import io.lethe.infra.ServerEnvironment;
import io.lethe.testutils.auth.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accepted deletions survive a SIGKILL of the intake process: inside the coalescing window (the
 * window's batch existed only in memory), and after requests were sent (the idempotency keys must
 * survive the restart). Real intake JVMs against the real broker; about 40 s.
 */
class IntakeCrashIT {
  static final Duration WINDOW = Duration.ofSeconds(4);
  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String in = "it.crash.in." + run;
  final String out = "it.crash.out." + run;
  final String dlq = "it.crash.dlq." + run;
  final String ledger = "it.crash.ledger." + run;
  final String group = "it-crash-" + run;
  final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;
  int port;

  @AfterEach
  void killAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void aDeletionAcceptedInsideTheWindowSurvivesAKillAndAKeyIsRememberedAcrossRestarts()
      throws Exception {
    IntakeIT.bootstrap = ServerEnvironment.kafkaBootstrapServers();
    try (Admin admin = IntakeIT.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(in, 1, (short) 1),
                  new NewTopic(out, 1, (short) 1),
                  new NewTopic(dlq, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path catalog = Files.writeString(dir.resolve("catalog.json"), IntakeIT.CATALOG);
    port = freePort();

    Process first = start(catalog, "first");
    int accepted = 0;
    for (int i = 0; i < 6; i++) {
      String subject = i % 2 == 0 ? "\"s-1\"" : "\"s-2\"";
      HttpResponse<String> r = post(IntakeIT.event("evt-" + i, "key-" + i, subject, "c-" + i));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      accepted++;
    }
    // SIGKILL inside the window: the batch that holds the six events exists only in memory.
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(requests()).as("nothing was sent before the kill").isEmpty();

    Process second = start(catalog, "second");
    List<ForgetRequest> sent = awaitCovering(accepted);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).sourceEventIds())
        .containsExactlyInAnyOrder("evt-0", "evt-1", "evt-2", "evt-3", "evt-4", "evt-5");
    String requestId = sent.get(0).requestId();
    JsonNode status = awaitEmitted("key-3");
    assertThat(status.path("requests").get(0).path("requestId").asText()).isEqualTo(requestId);

    // Killed after sending: the keys and the status come back from the ledger.
    second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    start(catalog, "third");
    HttpResponse<String> repeat = post(IntakeIT.event("evt-0b", "key-0", "\"s-1\"", "c-0b"));
    assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
    assertThat(IntakeIT.json.readTree(repeat.body()).path("requestIds").get(0).asText())
        .isEqualTo(requestId);
    assertThat(awaitEmitted("key-5").path("requests").get(0).path("requestId").asText())
        .isEqualTo(requestId);
    Thread.sleep(WINDOW.toMillis() * 2);
    assertThat(requests()).as("no request sent twice, none for the repeat").hasSize(1);
  }

  private Process start(Path catalog, String name) throws Exception {
    Path log = dir.resolve("intake-" + name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                IntakeProcess.class.getName(),
                IntakeIT.bootstrap,
                catalog.toString(),
                in,
                out,
                dlq,
                ledger,
                String.valueOf(WINDOW.toMillis()),
                String.valueOf(port),
                group)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(TestTokens.env()); // the child accepts the test's tokens
    Process p = pb.start();
    processes.add(p);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("intake %s alive; log:%n%s", name, tail(log)).isTrue();
      if (Files.readString(log).contains("READY")) {
        return p;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("intake " + name + " not ready; log:\n" + tail(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private List<ForgetRequest> requests() {
    List<ForgetRequest> all = new ArrayList<>();
    IntakeIT.read(out, rs -> false, Duration.ofSeconds(2))
        .forEach(r -> all.add(IntakeIT.codec.decode(r.value(), ForgetRequest.class)));
    return all;
  }

  private List<ForgetRequest> awaitCovering(int events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<ForgetRequest> sent = List.of();
    while (System.nanoTime() < deadline) {
      sent = requests();
      Set<String> covered = new HashSet<>();
      sent.forEach(fr -> covered.addAll(fr.sourceEventIds()));
      if (covered.size() >= events) {
        Thread.sleep(WINDOW.toMillis() + 1000); // and nothing more arrives
        return requests();
      }
    }
    throw new AssertionError("only " + sent + " were sent");
  }

  private JsonNode awaitEmitted(String key) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("/v1/deletions/" + key);
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200) {
        JsonNode s = IntakeIT.json.readTree(r.body());
        if (s.path("status").asText().equals("emitted")) {
          return s;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(key + " never emitted: " + last);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return IntakeIT.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/deletions"))
            .header("content-type", "application/json")
            .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return IntakeIT.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.SUBMIT))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
