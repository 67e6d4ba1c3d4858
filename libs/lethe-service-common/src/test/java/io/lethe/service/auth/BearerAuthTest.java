package io.lethe.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BearerAuthTest {
  private static final String ADMIN = TokenHash.newToken();
  private static final String READ = TokenHash.newToken();
  private static final String SUBMIT = TokenHash.newToken();
  private static final AuthSettings SETTINGS =
      AuthSettings.of(
          ApiTokens.parse(
              String.join(
                  "\n",
                  ApiTokens.line("ops", Set.of(Scope.ADMIN), ADMIN),
                  ApiTokens.line("dash", Set.of(Scope.READ), READ),
                  ApiTokens.line("portal", Set.of(Scope.SUBMIT), SUBMIT)),
              "test"));

  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private Metrics metrics;
  private int port;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private void serve(AuthSettings settings) throws Exception {
    vertx = Vertx.vertx();
    metrics = new Metrics("test");
    BearerAuth auth = new BearerAuth(settings, metrics);
    Router router = Router.router(vertx);
    auth.guard(router.get("/read"), EnumSet.of(Scope.READ))
        .handler(ctx -> ctx.response().end("hello " + BearerAuth.principal(ctx).name()));
    auth.guard(router.post("/admin"), EnumSet.of(Scope.ADMIN))
        .handler(ctx -> ctx.response().end("moved by " + BearerAuth.principal(ctx).name()));
    auth.guard(router.get("/either"), EnumSet.of(Scope.SUBMIT, Scope.READ))
        .handler(ctx -> ctx.response().end("ok"));
    router.get("/unguarded").handler(ctx -> ctx.response().end(BearerAuth.principal(ctx).name()));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  private HttpResponse<String> call(String method, String path, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private double failures(String reason) {
    return metrics
        .registry()
        .get("lethe_test_http_auth_failures")
        .tag("reason", reason)
        .counter()
        .count();
  }

  @Test
  void withoutATokenA401ChallengeWithAProblemBody() throws Exception {
    serve(SETTINGS);
    for (String header : new String[] {null, "Basic b3BzOnB3", "Bearer", "Token " + READ}) {
      HttpResponse<String> r = call("GET", "/read", header);
      assertThat(r.statusCode()).as(header).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(header).isPresent();
      assertThat(r.headers().firstValue("WWW-Authenticate").get())
          .startsWith("Bearer realm=\"lethe\"");
      assertThat(r.headers().firstValue("content-type")).contains("application/problem+json");
      assertThat(r.body()).contains("\"status\":401").contains("\"instance\":\"/read\"");
    }
    assertThat(failures("missing")).isEqualTo(3); // none, Basic, Token
    assertThat(failures("invalid")).isEqualTo(1); // "Bearer" without a token
  }

  @Test
  void anUnknownOrMalformedTokenIs401AndNeverEchoed() throws Exception {
    serve(SETTINGS);
    String wrong = TokenHash.newToken();
    for (String token :
        new String[] {wrong, "a b", "%%%", TokenHash.sha256Hex(READ), "x".repeat(600)}) {
      HttpResponse<String> r = call("GET", "/read", "Bearer " + token);
      assertThat(r.statusCode()).as(token).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_token\"");
      assertThat(r.body()).doesNotContain(token);
    }
    assertThat(failures("invalid")).isEqualTo(5);
    assertThat(metrics.registry().scrape()).doesNotContain(wrong).doesNotContain("dash");
  }

  @Test
  void aKnownTokenWithoutTheScopeIs403() throws Exception {
    serve(SETTINGS);
    HttpResponse<String> r = call("POST", "/admin", "Bearer " + READ);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("content-type")).contains("application/problem+json");
    assertThat(r.body()).contains("needs scope admin").doesNotContain(READ);
    assertThat(call("GET", "/read", "Bearer " + SUBMIT).statusCode()).isEqualTo(403);
    assertThat(failures("forbidden")).isEqualTo(2);
  }

  @Test
  void theRightScopePassesWithThePrincipal() throws Exception {
    serve(SETTINGS);
    assertThat(call("GET", "/read", "Bearer " + READ).body()).isEqualTo("hello dash");
    assertThat(call("GET", "/read", "bearer  " + ADMIN).body()).isEqualTo("hello ops");
    assertThat(call("POST", "/admin", "Bearer " + ADMIN).body()).isEqualTo("moved by ops");
    assertThat(call("GET", "/either", "Bearer " + SUBMIT).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/either", "Bearer " + READ).statusCode()).isEqualTo(200);
    assertThat(failures("missing") + failures("invalid") + failures("forbidden")).isZero();
  }

  @Test
  void aRouteWithoutAGuardHasNoPrincipal() throws Exception {
    serve(SETTINGS);
    assertThat(call("GET", "/unguarded", "Bearer " + ADMIN).statusCode()).isEqualTo(500);
  }

  @Test
  void switchedOffEveryRequestPassesAsAnonymous() throws Exception {
    serve(AuthSettings.off());
    assertThat(call("POST", "/admin", null).body()).isEqualTo("moved by anonymous");
  }

  @Test
  void parsesTheAuthorizationHeader() {
    assertThat(BearerAuth.bearer(null)).isNull();
    assertThat(BearerAuth.bearer("Basic abc")).isNull();
    assertThat(BearerAuth.bearer("Bearerabc")).isNull();
    assertThat(BearerAuth.bearer("Bearer abc-_.~+/=")).contains("abc-_.~+/=");
    assertThat(BearerAuth.bearer("BEARER   abc  ")).contains("abc");
    assertThat(BearerAuth.bearer("Bearer")).isEqualTo(Optional.empty());
    assertThat(BearerAuth.bearer("Bearer a b")).isEqualTo(Optional.empty());
  }
}
