package io.lethe.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComponentVerticleTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void deploysOnlyWhenTheComponentStartedAndStopsItOnUndeploy() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    ComponentVerticle verticle =
        new ComponentVerticle(
            v ->
                new Component() {
                  @Override
                  public Future<Void> start() {
                    return v.timer(200).mapEmpty();
                  }

                  @Override
                  public Future<Void> stop() {
                    stops.incrementAndGet();
                    return Future.succeededFuture();
                  }
                });
    assertThat(verticle.isReady()).isFalse();
    String id = await(vertx.deployVerticle(verticle));
    assertThat(verticle.isReady()).isTrue();
    await(vertx.undeploy(id));
    assertThat(verticle.isReady()).isFalse();
    assertThat(stops).hasValue(1);
  }

  @Test
  void aFailedStartFailsTheDeploymentAndStopsWhatWasStarted() {
    AtomicInteger stops = new AtomicInteger();
    ComponentVerticle verticle =
        new ComponentVerticle(
            v ->
                new Component() {
                  @Override
                  public Future<Void> start() {
                    return Future.failedFuture(new IllegalStateException("no broker"));
                  }

                  @Override
                  public Future<Void> stop() {
                    stops.incrementAndGet();
                    return Future.succeededFuture();
                  }
                });
    assertThatThrownBy(() -> await(vertx.deployVerticle(verticle))).hasMessage("no broker");
    assertThat(stops).hasValue(1);
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
