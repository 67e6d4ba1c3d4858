package io.lethe.service.metrics;

import io.lethe.service.Component;
import io.lethe.service.auth.PublicPaths;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.health.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's HTTP server: {@code GET /metrics} (Prometheus text format), {@code GET
 * /health/live} (200 unless a {@link #optHealth health source} says the process must be restarted)
 * and {@code GET /health/ready} (200 once the service has started and every source is ready, 503
 * otherwise), each with a small JSON body ({@code {"status":"DOWN","failing":{"<check>":
 * "<reason>"}}}) naming what fails; {@code GET /health} is {@code /health/ready}. A service adds
 * its own routes to {@link #router()} before {@link #start()}. These four are the {@link
 * PublicPaths}: served without a token; every route a service adds is guarded ({@link
 * io.lethe.service.auth.BearerAuth}).
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
  private final Map<String, Supplier<Health>> sources = new ConcurrentSkipListMap<>();
  private HttpServer server;

  public HttpEndpoint(Vertx vertx, HttpSettings settings, PrometheusMeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.router = Router.router(vertx);
    router
        .get(PublicPaths.METRICS)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                    .end(registry.scrape()));
    router.get(PublicPaths.LIVE).handler(ctx -> answer(ctx, liveness()));
    router.get(PublicPaths.READY).handler(ctx -> answer(ctx, readiness()));
    router.get(PublicPaths.HEALTH).handler(ctx -> answer(ctx, readiness()));
  }

  /** Whether the component has started; default: always. {@code /health/ready} checks it. */
  public HttpEndpoint optReadiness(BooleanSupplier readiness) {
    this.ready = Objects.requireNonNull(readiness, "readiness");
    return this;
  }

  /**
   * Adds a health source (a consumer, a stage): {@code /health/live} fails when any source is not
   * {@link Health#live() live}, {@code /health/ready} when any is not {@link Health#ready() ready}.
   * May be called after {@link #start()}; {@code health} is called on the event loop at every
   * request and must not block.
   */
  public HttpEndpoint optHealth(String name, Supplier<Health> health) {
    sources.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(health, "health"));
    return this;
  }

  /** All sources' checks, each named after its source. */
  public Health health() {
    Health all = Health.UP;
    for (Map.Entry<String, Supplier<Health>> e : sources.entrySet()) {
      Health h;
      try {
        h = Objects.requireNonNull(e.getValue().get(), "null health");
      } catch (RuntimeException failure) {
        h = Health.notReady("health", "could not be read: " + failure);
      }
      all = all.and(h.named(e.getKey()));
    }
    return all;
  }

  private Health liveness() {
    return new Health(health().notLive(), Map.of());
  }

  private Health readiness() {
    Health h = health();
    return ready.getAsBoolean() ? h : h.and(Health.notReady("service", "starting"));
  }

  private static void answer(RoutingContext ctx, Health h) {
    boolean up = h.ready();
    JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN");
    if (!up) {
      JsonObject failing = new JsonObject();
      h.notReady().forEach(failing::put);
      body.put("failing", failing);
    }
    ctx.response()
        .setStatusCode(up ? 200 : 503)
        .putHeader("content-type", "application/json")
        .end(body.encode());
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
    // HTTP/1.1 only: no cleartext HTTP/2 upgrade. Clients that offer one (the JDK's HttpClient
    // does by default) got a large /metrics answer garbled mid-upgrade; HTTP/2 would need TLS
    // here anyway.
    return vertx
        .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
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
