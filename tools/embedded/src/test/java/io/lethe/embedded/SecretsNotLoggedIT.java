package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.infra.ServerEnvironment;
import io.lethe.intake.IntakeService;
import io.lethe.intake.IntakeSettings;
import io.lethe.intake.RegistryCatalogSettings;
import io.lethe.intake.RegistryModelCatalog;
import io.lethe.registry.service.Registry;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.ServiceLauncher;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.auth.TestTokens;
import io.lethe.testutils.logs.CapturedOutput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake (registry catalog) and the registry, configured from an environment as in production
 * (tokens file, S3 secret from a file, a Kafka client password), serve authenticated,
 * unauthenticated and forbidden calls; then neither what they logged (slf4j-simple writes to {@code
 * System.err}, captured here) nor what {@code /metrics} exports contains a token, a token hash, the
 * S3 secret key or the Kafka password.
 */
class SecretsNotLoggedIT {
  private static final String KAFKA_PASSWORD = "kafka-key-pw-" + UUID.randomUUID();

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void noTokenHashOrCredentialReachesTheLogsOrTheMetrics() throws Exception {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    String bootstrap = ServerEnvironment.kafkaBootstrapServers();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_GROUP_ID", "secrets-it-" + run);
    // Not used over PLAINTEXT, but logged by the Kafka clients' config dump: must be [hidden].
    env.put("KAFKA_PRODUCER_SSL_KEY_PASSWORD", KAFKA_PASSWORD);
    env.put("KAFKA_CONSUMER_SSL_KEY_PASSWORD", KAFKA_PASSWORD);
    env.put(S3Settings.ENDPOINT_VARIABLE, s3.endpoint());
    env.put(S3Settings.ACCESS_KEY_VARIABLE, s3.accessKey());
    env.put(
        S3Settings.SECRET_KEY_FILE_VARIABLE,
        Files.writeString(dir.resolve("s3-secret"), s3.secretKey() + "\n").toString());
    env.put(S3Settings.BUCKET_VARIABLE, "lethe-secrets-it-" + run);
    env.put(
        "LETHE_API_TOKENS_FILE",
        Files.writeString(dir.resolve("tokens"), TestTokens.config()).toString());
    env.put("HTTP_PORT", "0");
    env.put("REGISTRY_API_PORT", "0");
    env.put("INTAKE_MODEL_CATALOG", "registry");

    List<String> secrets = new ArrayList<>(TestTokens.secrets());
    secrets.add(s3.secretKey());
    secrets.add(KAFKA_PASSWORD);

    CapturedOutput captured = CapturedOutput.start();
    StringBuilder scraped = new StringBuilder();
    Vertx vertx = Vertx.vertx();
    try {

      RegistrySettings registrySettings = RegistrySettings.fromEnv(env);
      IntakeSettings intakeSettings = IntakeSettings.fromEnv(env);
      Metrics registryMetrics = new Metrics(RegistrySettings.SERVICE);
      Registry[] registry = new Registry[1];
      ServiceLauncher.Running running =
          await(
              ServiceLauncher.launch(
                  vertx,
                  HttpSettings.ephemeral(),
                  registryMetrics.registry(),
                  v ->
                      registry[0] =
                          new Registry(v, registrySettings, registryMetrics)
                              .optEvaluationsTopic("it.secrets.evals." + run)));
      RegistryCatalogSettings catalogSettings = intakeSettings.registryCatalog();
      RegistryModelCatalog catalog =
          new RegistryModelCatalog(
              vertx,
              new ModelStore(catalogSettings.models()),
              new DatasetStore(catalogSettings.datasets()),
              catalogSettings.refresh());
      await(vertx.deployVerticle(new ComponentVerticle(v -> catalog)));
      IntakeService[] intake = new IntakeService[1];
      await(
          vertx.deployVerticle(
              new ComponentVerticle(
                  v ->
                      intake[0] =
                          new IntakeService(
                                  v, intakeSettings, catalog, new Metrics(IntakeSettings.SERVICE))
                              .optTopics(
                                  "it.secrets.in." + run,
                                  "it.secrets.out." + run,
                                  "it.secrets.dlq." + run)
                              .optLedgerTopic("it.secrets.ledger." + run)
                              .optResultsTopic("it.secrets.results." + run))));
      String intakeBase = "http://127.0.0.1:" + intake[0].httpPort();
      String registryBase = "http://127.0.0.1:" + registry[0].apiPort();

      String deletion =
          """
          {"eventId": "e-1", "idempotencyKey": "k-1", "occurredAt": "2026-01-01T00:00:00Z",
           "source": "crm", "subjectIds": ["nobody"]}
          """;
      List<String> wrong =
          List.of(
              TestTokens.WRONG,
              TestTokens.sha256Hex(TestTokens.ADMIN),
              TestTokens.ADMIN + "x",
              s3.secretKey());
      for (String token : wrong) {
        assertThat(call("POST", intakeBase + "/v1/deletions", token, deletion)).isEqualTo(401);
        assertThat(call("GET", registryBase + "/v1/models", token, null)).isEqualTo(401);
      }
      assertThat(call("POST", intakeBase + "/v1/deletions", null, deletion)).isEqualTo(401);
      assertThat(call("POST", intakeBase + "/v1/deletions", TestTokens.SUBMIT, deletion))
          .isEqualTo(422); // nobody is a known subject: valid, authenticated, unprocessable
      assertThat(call("GET", intakeBase + "/v1/requests/fr-1", TestTokens.SUBMIT, null))
          .isEqualTo(403);
      assertThat(call("GET", registryBase + "/v1/models", TestTokens.READ, null)).isEqualTo(200);
      assertThat(
              call(
                  "PUT",
                  registryBase + "/v1/models/m-1/aliases/production",
                  TestTokens.READ,
                  "{\"version\":1}"))
          .isEqualTo(403);
      assertThat(
              call(
                  "PUT",
                  registryBase + "/v1/models/m-1/aliases/production",
                  TestTokens.ADMIN,
                  "{\"version\":1}"))
          .isEqualTo(404);

      for (String url :
          List.of(
              intakeBase + "/metrics",
              registryBase + "/metrics",
              "http://127.0.0.1:" + running.httpPort() + "/metrics")) {
        scraped.append(get(url)).append('\n');
      }
      await(running.stop());
    } finally {
      try {
        await(vertx.close());
      } finally {
        captured.close();
      }
    }

    String logs = captured.text();
    // The capture works: the services' start-up lines are in it.
    assertThat(logs).contains("registry ready").contains("intake ready");
    // The Kafka clients did receive the password (and dumped their configuration, masked).
    assertThat(logs).contains("ssl.key.password = [hidden]");
    assertThat(scraped.toString())
        .contains("lethe_intake_http_auth_failures_total{reason=\"invalid\"} 4.0")
        .contains("lethe_intake_http_auth_failures_total{reason=\"missing\"} 1.0")
        .contains("lethe_intake_http_auth_failures_total{reason=\"forbidden\"} 1.0")
        .contains("lethe_registry_http_auth_failures_total{reason=\"forbidden\"} 1.0")
        .doesNotContain("test-admin")
        .doesNotContain("test-read")
        .doesNotContain("test-submit");
    for (String secret : secrets) {
      assertThat(logs).as("logs").doesNotContain(secret);
      assertThat(scraped.toString()).as("metrics").doesNotContain(secret);
    }
  }

  private int call(String method, String url, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header(TestTokens.AUTHORIZATION, TestTokens.bearer(token));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
