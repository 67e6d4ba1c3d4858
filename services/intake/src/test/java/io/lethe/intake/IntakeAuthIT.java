package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.infra.ServerEnvironment;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.auth.PublicPaths;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.lethe.testutils.auth.RouteMatrix;
import io.lethe.testutils.auth.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the running intake's router, called with no token, a wrong one and each scope
 * ({@link RouteMatrix}): a route added without a guard fails here. The matrix is printed.
 */
class IntakeAuthIT {
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static Vertx vertx;
  static IntakeService service;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    String bootstrap = ServerEnvironment.kafkaBootstrapServers();
    String in = "it.auth.in." + RUN;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(in, 1, (short) 1),
                  new NewTopic("it.auth.out." + RUN, 1, (short) 1),
                  new NewTopic("it.auth.dlq." + RUN, 1, (short) 1),
                  new NewTopic("it.auth.results." + RUN, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path catalog = Files.writeString(dir.resolve("catalog.json"), IntakeIT.CATALOG);
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "it-auth-" + RUN, "it-auth-" + RUN),
            HttpSettings.ephemeral(),
            IntakeSettings.DEFAULT_WINDOW,
            catalog,
            AuthSettings.fromEnv(TestTokens.env()));
    vertx = Vertx.vertx();
    await(
        vertx.deployVerticle(
            new ComponentVerticle(
                v ->
                    service =
                        new IntakeService(
                                v, settings, JsonModelCatalog.load(catalog), new Metrics("intake"))
                            .optTopics(in, "it.auth.out." + RUN, "it.auth.dlq." + RUN)
                            .optLedgerTopic("it.auth.ledger." + RUN)
                            .optResultsTopic("it.auth.results." + RUN))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void everyRouteButHealthAndMetricsNeedsItsScope() throws Exception {
    RouteMatrix matrix =
        new RouteMatrix(
            URI.create("http://127.0.0.1:" + service.httpPort()),
            Map.of("key", "k-1", "id", "fr-1"));

    matrix.check("intake", service.router(), PublicPaths.ALL);
  }

  @Test
  void theScopesOfTheRoutesAreTheDocumentedOnes() {
    Map<String, Set<String>> declared = new LinkedHashMap<>();
    for (RouteMatrix.Endpoint e : RouteMatrix.endpoints(service.router())) {
      if (e.guarded()) {
        declared.put(e.toString(), e.scopes());
      }
    }
    assertThat(declared)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "POST /v1/deletions", Set.of("submit"),
                "GET /v1/deletions/:key", Set.of("submit", "read"),
                "GET /v1/requests/:id", Set.of("read")));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
