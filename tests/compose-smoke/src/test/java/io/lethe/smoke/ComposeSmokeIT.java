package io.lethe.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.UnlearningSplit;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The compose stack end to end, as an operator runs it, on a machine with a Docker engine: {@code
 * infra/compose/init-secrets.sh} and {@code new-api-token.sh} (into a temporary directory, nothing
 * in the repository is written), {@code docker compose --profile=seed up -d --build} of the real
 * {@code docker-compose.yml} through Testcontainers' {@link ComposeContainer} (local {@code docker
 * compose}), the four services healthy (their compose health checks), the one-shot {@code seed}
 * ({@code lethe-pipeline register}) exited 0 with the model at {@code production} v1, a deletion
 * POSTed to the intake with a submit token, then the registry's API polled until {@code production}
 * moves to a newer version whose manifest lists the subject as forgotten, and the request's
 * compliance report says {@code completed}.
 *
 * <p>Test-sized settings through the compose variables of {@code .env.example}: a 600-image
 * snapshot, one epoch, a 2 s catalog refresh, loose gates (delivery is under test, not forgetting
 * quality), free host ports.
 *
 * <p>Opt-in only ({@code mvn verify -Pcompose-smoke -pl tests/compose-smoke}); without a Docker
 * engine it fails and says so, because the profile is an explicit request to run it. Never run on
 * the development machine (no Docker there).
 */
class ComposeSmokeIT {
  static final Duration STARTUP = Duration.ofMinutes(40);
  static final Duration SEED = Duration.ofMinutes(15);
  static final Duration PROMOTION = Duration.ofMinutes(15);
  static final Pattern TOKEN = Pattern.compile("shown once: (\\S+)");

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String model = "smoke-" + run;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void dockerIsThere() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      fail(
          "compose-smoke: no Docker engine found (DOCKER_HOST, /var/run/docker.sock, Testcontainers'"
              + " ~/.testcontainers.properties). This profile runs docker-compose.yml and cannot"
              + " pass without one: run it on a machine with Docker and Docker Compose v2, or"
              + " build without -Pcompose-smoke.");
    }
  }

  @Test
  void aDeletionThroughTheComposeStackEndsInAPromotedVersionThatHonoursIt() throws Exception {
    long t0 = System.nanoTime();
    Path root = repositoryRoot();
    File composeFile = root.resolve("docker-compose.yml").toFile();
    Path datasets = IdxDatasetReader.FASHION_MNIST_DIR;
    assertThat(datasets)
        .as("Fashion-MNIST on the host (LETHE_DATASETS; Debian's dataset-fashion-mnist)")
        .isDirectory();

    // The seed's snapshot (600 training images, the register command's other defaults): a
    // training subject the intake can resolve.
    String subject =
        UnlearningSplit.pickSubjects(
                DatasetSource.idx("fashion-mnist", datasets, 600, 300, 10, 0.25, 0, 1).load(),
                1,
                11)
            .iterator()
            .next();

    // Secrets as an operator makes them, outside the repository.
    Path secrets = Files.createTempDirectory("lethe-compose-smoke-");
    Path tokenHashes = secrets.resolve("api-tokens");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LETHE_SECRETS_DIR", secrets.resolve("secrets").toString());
    env.put("LETHE_API_TOKEN_HASHES", tokenHashes.toString());
    script(root, env, "infra/compose/init-secrets.sh");
    String token =
        token(script(root, env, "infra/compose/new-api-token.sh", "smoke", "submit,read"));
    // Compose mounts file secrets with their host mode; the services run as uid 10001.
    Files.setPosixFilePermissions(tokenHashes, PosixFilePermissions.fromString("rw-r--r--"));

    int intakePort = freePort();
    int registryApiPort = freePort();
    env.put("LETHE_INTAKE_PORT", String.valueOf(intakePort));
    env.put("LETHE_REGISTRY_OPS_PORT", String.valueOf(freePort()));
    env.put("LETHE_REGISTRY_API_PORT", String.valueOf(registryApiPort));
    env.put("LETHE_PROMETHEUS_PORT", String.valueOf(freePort()));
    env.put("LETHE_GRAFANA_PORT", String.valueOf(freePort()));
    env.put("LETHE_DATASETS", datasets.toString());
    env.put("LETHE_SEED_MODEL_ID", model);
    env.put("LETHE_SEED_EPOCHS", "1");
    env.put("LETHE_SEED_TRAIN_LIMIT", "600");
    env.put("LETHE_SEED_TEST_LIMIT", "300");
    env.put("INTAKE_CATALOG_REFRESH", "PT2S");
    env.put("INTAKE_COALESCE_WINDOW", "PT1S");
    env.put("EVALUATOR_MAX_FORGETTING_SCORE", "0.5");
    env.put("EVALUATOR_MAX_NOMUS_DROP", "1");
    env.put("EVALUATOR_MAX_ACCURACY_DROP", "1");
    env.put("EVALUATOR_NOISE_BAND_SIGMAS", "100");

    try (ComposeContainer compose =
        new ComposeContainer("lethe-smoke-" + run, composeFile)
            .withBuild(true)
            .withOptions("--profile=seed")
            .withEnv(env)
            .withRemoveVolumes(true)
            .withTailChildContainers(true)
            .withStartupTimeout(STARTUP)
            .waitingFor("intake", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .waitingFor("worker", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .waitingFor("evaluator", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .waitingFor("registry", Wait.forHealthcheck().withStartupTimeout(STARTUP))) {
      compose.start();
      System.out.printf(Locale.ROOT, "compose-smoke: stack healthy after %.0f s%n", seconds(t0));

      // The seed (started with the stack: profile seed) registers v1 and exits 0.
      URI registry = URI.create("http://127.0.0.1:" + registryApiPort);
      long deadline = System.nanoTime() + SEED.toNanos();
      Optional<Integer> production = alias(registry, token);
      while (production.isEmpty() && System.nanoTime() < deadline) {
        seedFailed(compose);
        Thread.sleep(2000);
        production = alias(registry, token);
      }
      seedFailed(compose);
      assertThat(production).as("production of %s after the seed", model).contains(1);
      System.out.printf(Locale.ROOT, "compose-smoke: seeded after %.0f s%n", seconds(t0));

      // A deletion through the intake (the catalog refreshes every 2 s: retry while unknown).
      URI intake = URI.create("http://127.0.0.1:" + intakePort);
      JsonNode receipt = submit(intake, token, subject, Duration.ofMinutes(2));
      List<String> requestIds = new ArrayList<>();
      receipt.path("requestIds").forEach(id -> requestIds.add(id.asText()));

      // Production moves to a version that honours it.
      deadline = System.nanoTime() + PROMOTION.toNanos();
      int promoted = -1;
      while (System.nanoTime() < deadline) {
        Optional<Integer> current = alias(registry, token);
        if (current.isPresent()
            && current.get() > 1
            && forgets(registry, token, current.get(), subject)) {
          promoted = current.get();
          break;
        }
        Thread.sleep(3000);
      }
      assertThat(promoted)
          .as(
              "production of %s moved to a version forgetting %s within %s",
              model, subject, PROMOTION)
          .isGreaterThan(1);
      for (String requestId : requestIds) {
        JsonNode report = get(registry, token, "/v1/requests/" + requestId + "/report");
        assertThat(report.path("status").asText())
            .as("report of " + requestId)
            .isEqualTo("completed");
      }
      System.out.printf(
          Locale.ROOT,
          "compose-smoke: production v%d forgets %s; total %.0f s%n",
          promoted,
          subject,
          seconds(t0));
    }
  }

  /** Fails with the seed's logs when its container exited with a non-zero status. */
  private static void seedFailed(ComposeContainer compose) {
    Optional<ContainerState> seed = compose.getContainerByServiceName("seed");
    if (seed.isEmpty()) {
      return;
    }
    var state = seed.get().getCurrentContainerInfo().getState();
    Long exit = state.getExitCodeLong();
    if (Boolean.FALSE.equals(state.getRunning()) && exit != null && exit != 0) {
      fail("seed exited with " + exit + ":\n" + seed.get().getLogs());
    }
  }

  private JsonNode submit(URI intake, String token, String subject, Duration patience)
      throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    for (int attempt = 1; ; attempt++) {
      // A fresh key per attempt: the same key would get the first answer again.
      String body =
          """
          {"eventId": "evt-smoke-%s-%d", "idempotencyKey": "idem-smoke-%s-%d",
           "occurredAt": "2026-01-01T00:00:00Z", "source": "compose-smoke",
           "subjectIds": ["%s"], "modelIds": ["%s"], "method": "dlfd",
           "hyperparameters": {"perturbationSteps": 2, "sinkhornIterations": 10}}
          """
              .formatted(run, attempt, run, attempt, subject, model);
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(intake.resolve("/v1/deletions"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode receipt =
          response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
      boolean unknown =
          receipt.path("unknownSubjectIds").size() > 0 || receipt.path("modelIds").isEmpty();
      if (response.statusCode() == 202 && !unknown) {
        return receipt;
      }
      if (System.nanoTime() > deadline) {
        fail("POST /v1/deletions answered " + response.statusCode() + ": " + response.body());
      }
      // The model or subject not in the intake's catalog yet (it refreshes every 2 s).
      Thread.sleep(2000);
    }
  }

  /** The version production points at, empty while the model has no such alias. */
  private Optional<Integer> alias(URI registry, String token) throws Exception {
    HttpResponse<String> r = send(registry, token, "/v1/models/" + model + "/aliases/production");
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    assertThat(r.statusCode()).as("GET alias: " + r.body()).isEqualTo(200);
    return Optional.of(json.readTree(r.body()).path("version").asInt());
  }

  private boolean forgets(URI registry, String token, int version, String subject)
      throws Exception {
    JsonNode manifest = get(registry, token, "/v1/models/" + model + "/versions/" + version);
    for (JsonNode s : manifest.path("subjectsForgotten")) {
      if (s.asText().equals(subject)) {
        return true;
      }
    }
    return false;
  }

  private JsonNode get(URI registry, String token, String path) throws Exception {
    HttpResponse<String> r = send(registry, token, path);
    assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private HttpResponse<String> send(URI base, String token, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Runs a repository script with {@code env} added; returns its standard error. */
  private static String script(Path root, Map<String, String> env, String script, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(script).isTrue();
    assertThat(p.exitValue()).as(script + ": " + out + err).isZero();
    return err;
  }

  private static String token(String newApiTokenOutput) {
    Matcher m = TOKEN.matcher(newApiTokenOutput);
    assertThat(m.find()).as("new-api-token.sh printed a token: " + newApiTokenOutput).isTrue();
    return m.group(1);
  }

  private static Path repositoryRoot() throws IOException {
    Path root = Path.of(System.getProperty("lethe.repository.root", "../..")).toRealPath();
    assertThat(root.resolve("docker-compose.yml")).as("repository root " + root).isRegularFile();
    return root;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
