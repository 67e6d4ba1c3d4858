package io.lethe.testutils.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The matrix catches what it is for: an unguarded route, a late guard, a wrong answer. */
class RouteMatrixTest {
  private Vertx vertx;
  private Router router;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> ctx.response().end("ok"));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A stand-in for the services' guard: read tokens only. */
  private static Handler<RoutingContext> readGuard() {
    return ctx -> {
      String h = ctx.request().getHeader("Authorization");
      if (h == null || !h.startsWith("Bearer ")) {
        ctx.response()
            .setStatusCode(401)
            .putHeader("WWW-Authenticate", "Bearer realm=\"lethe\"")
            .putHeader("content-type", "application/problem+json")
            .end("{}");
      } else if (h.equals(TestTokens.bearer(TestTokens.READ))
          || h.equals(TestTokens.bearer(TestTokens.ADMIN))) {
        ctx.next();
      } else if (h.equals(TestTokens.bearer(TestTokens.SUBMIT))) {
        ctx.response()
            .setStatusCode(403)
            .putHeader("content-type", "application/problem+json")
            .end("{}");
      } else {
        ctx.response()
            .setStatusCode(401)
            .putHeader("WWW-Authenticate", "Bearer realm=\"lethe\"")
            .putHeader("content-type", "application/problem+json")
            .end("{}");
      }
    };
  }

  private URI serve() throws Exception {
    int port =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .actualPort();
    return URI.create("http://127.0.0.1:" + port);
  }

  @Test
  void aGuardedRoutePasses() throws Exception {
    router
        .get("/v1/things/:id")
        .putMetadata(RouteMatrix.SCOPES_METADATA, Set.of("READ"))
        .handler(readGuard());
    router.get("/v1/things/:id").handler(ctx -> ctx.response().end(ctx.pathParam("id")));
    for (int status : new int[] {404, 405}) { // not served: a token first, then the status
      router.errorHandler(
          status,
          ctx -> {
            boolean known =
                TestTokens.byScope().values().stream()
                    .anyMatch(
                        t -> TestTokens.bearer(t).equals(ctx.request().getHeader("Authorization")));
            ctx.response()
                .setStatusCode(known ? status : 401)
                .putHeader("content-type", "application/problem+json");
            if (!known) {
              ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"lethe\"");
            }
            ctx.response().end("{}");
          });
    }

    String table = new RouteMatrix(serve(), Map.of()).check("t", router, Set.of("/metrics"));

    assertThat(table)
        .contains("| `GET /v1/things/:id` | read | 401 | 401 | 403 | 200 | 200 |")
        .contains(
            "| `GET /v1/no-such-route` | any token (not served) | 401 | 401 | 404 | 404 | 404 |")
        .contains(
            "| `DELETE /v1/things/:id` | any token (not served) | 401 | 401 | 405 | 405 | 405 |");
  }

  @Test
  void anUnguardedRouteFails() throws Exception {
    router.get("/v1/open").handler(ctx -> ctx.response().end("secret"));

    assertThatThrownBy(
            () -> new RouteMatrix(serve(), Map.of()).check("t", router, Set.of("/metrics")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("found [/metrics, /v1/open]")
        .hasMessageContaining("routes without a guard must be exactly the public paths");
  }

  @Test
  void aPathNothingServesWithoutATokenFails() throws Exception {
    assertThatThrownBy(
            () -> new RouteMatrix(serve(), Map.of()).check("t", router, Set.of("/metrics")))
        .hasMessageContaining("GET /v1/no-such-route as none (GET /v1/no-such-route) answered 404");
  }

  @Test
  void aGuardThatLetsTheWrongScopeThroughFails() throws Exception {
    router
        .get("/v1/admin-only")
        .putMetadata(RouteMatrix.SCOPES_METADATA, Set.of("ADMIN"))
        .handler(readGuard()); // admits read: wrong for an admin route
    router.get("/v1/admin-only").handler(ctx -> ctx.response().end());

    assertThatThrownBy(
            () -> new RouteMatrix(serve(), Map.of()).check("t", router, Set.of("/metrics")))
        .hasMessageContaining("as read (GET /v1/admin-only) answered 200, expected 403");
  }

  @Test
  void aGuardRegisteredAfterItsHandlerFails() {
    router.get("/v1/late").handler(ctx -> ctx.response().end());
    router
        .get("/v1/late")
        .putMetadata(RouteMatrix.SCOPES_METADATA, Set.of("READ"))
        .handler(readGuard());

    assertThatThrownBy(() -> RouteMatrix.endpoints(router))
        .hasMessageContaining("GET /v1/late: its guard is registered after another route");
  }
}
