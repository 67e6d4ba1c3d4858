package io.lethe.service.metrics;

import io.lethe.service.Component;
import io.lethe.service.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The service's HTTP server: {@code GET /metrics} (Prometheus text format) and {@code GET /health}
 * (200 once the service is ready, 503 before). A service adds its own routes to {@link #router()}
 * before {@link #start()}.
 *
 * <p>Health is a supplier rather than a flag on this class because readiness belongs to the
 * service's component (see {@link io.lethe.service.ComponentVerticle#isReady()}): the endpoint can
 * be up, and scraped, while the component is still connecting.
 */
public final class HttpEndpoint implements Component {
  /** Prometheus text exposition format 0.0.4, what {@code scrape()} writes. */
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final HttpSettings settings;
  private final PrometheusMeterRegistry registry;
  private final Router router;
  private BooleanSupplier ready = () -> true;
  private HttpServer server;

  public HttpEndpoint(Vertx vertx, HttpSettings settings, PrometheusMeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.router = Router.router(vertx);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                    .end(registry.scrape()));
    router
        .get("/health")
        .handler(
            ctx -> {
              boolean up = ready.getAsBoolean();
              ctx.response()
                  .setStatusCode(up ? 200 : 503)
                  .putHeader("content-type", "application/json")
                  .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"STARTING\"}");
            });
  }

  /** What {@code /health} reports; default: always ready. */
  public HttpEndpoint optReadiness(BooleanSupplier readiness) {
    this.ready = Objects.requireNonNull(readiness, "readiness");
    return this;
  }

  /** Add routes here before {@link #start()}. */
  public Router router() {
    return router;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Completes once the server is listening. */
  @Override
  public Future<Void> start() {
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(settings.port(), settings.host())
        .onSuccess(s -> server = s)
        .mapEmpty();
  }

  /** The bound port (the real one when configured with 0); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
