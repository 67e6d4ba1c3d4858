package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.infra.ServerEnvironment;
import io.lethe.registry.store.S3Settings;
import io.lethe.service.ServiceLauncher;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route of the running registry's API router, called with no token, a wrong one and each
 * scope ({@link RouteMatrix}): a route added without a guard fails here. The matrix is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryAuthIT {
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private Vertx vertx;
  private Registry registry;

  @BeforeAll
  void setUp() throws Exception {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    S3Settings s3Settings =
        new S3Settings(
            s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), "lethe-auth-it-" + run);
    Metrics metrics = new Metrics("registry");
    RegistrySettings settings =
        RegistrySettings.defaults(
            new KafkaSettings(
                ServerEnvironment.kafkaBootstrapServers(), "auth-it-" + run, "auth-it-" + run),
            HttpSettings.ephemeral(),
            s3Settings,
            AuthSettings.fromEnv(TestTokens.env()));
    vertx = Vertx.vertx();
    await(
        ServiceLauncher.launch(
            vertx,
            HttpSettings.ephemeral(),
            metrics.registry(),
            v -> {
              registry =
                  new Registry(v, settings, metrics).optEvaluationsTopic("it.auth.evals." + run);
              return registry;
            }));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void everyRouteButHealthAndMetricsNeedsItsScope() throws Exception {
    RouteMatrix matrix =
        new RouteMatrix(
            URI.create("http://127.0.0.1:" + registry.apiPort()),
            Map.of(
                "modelId", "m-" + run,
                "version", "1",
                "alias", "production",
                "name", "parameters"));

    matrix.check("registry", registry.apiRouter(), PublicPaths.ALL);
  }

  @Test
  void readsNeedReadAndAliasMovesAndPurgesNeedAdmin() {
    Map<String, Set<String>> declared = new LinkedHashMap<>();
    for (RouteMatrix.Endpoint e : RouteMatrix.endpoints(registry.apiRouter())) {
      if (e.guarded()) {
        declared.put(e.toString(), e.scopes());
      }
    }
    Set<String> read = Set.of("read");
    Set<String> admin = Set.of("admin");
    assertThat(declared)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("GET " + RegistryApi.REQUEST_REPORT, read),
                Map.entry("POST " + RegistryApi.PURGE, admin),
                Map.entry("GET " + RegistryApi.MODELS, read),
                Map.entry("GET " + RegistryApi.VERSIONS, read),
                Map.entry("GET " + RegistryApi.VERSION, read),
                Map.entry("GET " + RegistryApi.REPORT, read),
                Map.entry("GET " + RegistryApi.OBJECT, read),
                Map.entry("GET " + RegistryApi.ALIAS, read),
                Map.entry("PUT " + RegistryApi.ALIAS, admin),
                Map.entry("POST " + RegistryApi.ROLLBACK, admin),
                Map.entry("* /v1/", Set.of())));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
