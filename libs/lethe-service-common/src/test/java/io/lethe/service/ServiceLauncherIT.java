package io.lethe.service;

import static io.lethe.service.ComponentVerticleTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.service.config.HttpSettings;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceLauncherIT {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void metricsExposeACounterAndHealthIsUpOnceStarted() throws Exception {
    Metrics metrics = new Metrics("intake");
    Promise<Void> release = Promise.promise();
    Future<ServiceLauncher.Running> launched =
        ServiceLauncher.launch(
            vertx,
            HttpSettings.ephemeral(),
            metrics.registry(),
            v ->
                new Component() {
                  @Override
                  public Future<Void> start() {
                    return release.future();
                  }

                  @Override
                  public Future<Void> stop() {
                    return Future.succeededFuture();
                  }
                });
    assertThat(launched.isComplete()).isFalse();
    release.complete();
    ServiceLauncher.Running running = await(launched);
    metrics.counter("requests_received").increment(2);

    HttpResponse<String> scrape = get(running.httpPort(), "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(scrape.body()).contains("lethe_intake_requests_received_total 2.0");
    assertThat(get(running.httpPort(), "/health").statusCode()).isEqualTo(200);

    await(running.stop());
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void aHealthReportingComponentDecidesLivenessAndReadinessAndTheBodyNamesTheFailingCheck()
      throws Exception {
    AtomicReference<Health> health = new AtomicReference<>(Health.UP);
    ServiceLauncher.Running running =
        await(
            ServiceLauncher.launch(
                vertx,
                HttpSettings.ephemeral(),
                new Metrics("worker").registry(),
                v -> new Reporting(health)));
    int port = running.httpPort();
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
    assertThat(get(port, "/health/ready").body()).isEqualTo("{\"status\":\"UP\"}");

    health.set(Health.notReady("consumer lethe.forget-requests", "stalled"));
    HttpResponse<String> ready = get(port, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body())
        .isEqualTo(
            "{\"status\":\"DOWN\",\"failing\":{\"component: consumer lethe.forget-requests\":"
                + "\"stalled\"}}");
    assertThat(get(port, "/health").statusCode()).isEqualTo(503);
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);

    health.set(Health.dead("consumer lethe.forget-requests", "poll thread died"));
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(503);
    assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);

    health.set(Health.UP);
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
    assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    await(running.stop());
  }

  private record Reporting(AtomicReference<Health> current) implements Component, HealthReporting {
    @Override
    public Future<Void> start() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
      return Future.succeededFuture();
    }

    @Override
    public Health health() {
      return current.get();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
