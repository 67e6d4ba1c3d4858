package io.lethe.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.AliasRollback;
import io.lethe.api.AliasUpdate;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.PurgeOrder;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import io.lethe.service.auth.BearerAuth;
import io.lethe.service.auth.Scope;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The registry's HTTP API, mounted on a router. Handlers parse and check the request on the event
 * loop, run every registry (S3) call on the {@code lethe-registry-io} pool, and answer JSON, the
 * stored record as it is (manifests, evaluation reports; validated by the codec on the way out),
 * verified object bytes, or a problem.v1 body.
 *
 * <pre>
 * GET  /v1/models
 * GET  /v1/models/{modelId}/versions
 * GET  /v1/models/{modelId}/versions/{version}
 * GET  /v1/models/{modelId}/versions/{version}/report
 * GET  /v1/models/{modelId}/versions/{version}/objects/{name}     name: parameters | checkpoint
 * GET  /v1/models/{modelId}/aliases/{alias}
 * PUT  /v1/models/{modelId}/aliases/{alias}            body alias-update.v1
 * POST /v1/models/{modelId}/aliases/{alias}/rollback   body alias-rollback.v1 (optional)
 * POST /v1/models/{modelId}/versions/{version}/purge   body purge-order.v1
 * GET  /v1/requests/{requestId}/report                 compliance-report.v1
 * </pre>
 *
 * <p>Alias moves are checked by {@link AliasMoves} (failed gates, the forgetting guard; a forced
 * move needs a reason); a purge order goes to {@link ErasureSweep#purgeNow}.
 */
final class RegistryApi {
  static final String MODELS = "/v1/models";
  static final String VERSIONS = "/v1/models/:modelId/versions";
  static final String VERSION = "/v1/models/:modelId/versions/:version";
  static final String REPORT = "/v1/models/:modelId/versions/:version/report";
  static final String OBJECT = "/v1/models/:modelId/versions/:version/objects/:name";
  static final String ALIAS = "/v1/models/:modelId/aliases/:alias";
  static final String ROLLBACK = "/v1/models/:modelId/aliases/:alias/rollback";
  static final String PURGE = "/v1/models/:modelId/versions/:version/purge";
  static final String REQUEST_REPORT = "/v1/requests/:requestId/report";
  static final String UNMATCHED = "unmatched";

  /** Largest alias-update body accepted. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  static final String SHA256_HEADER = "X-Lethe-Sha256";
  private static final String JSON = "application/json";

  /** What a handler answers with, before it is written. */
  private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply json(byte[] body) {
      return new Reply(200, JSON, body, Map.of());
    }
  }

  private final ModelStore store;
  private final WorkerExecutor pool;
  private final AliasMoves aliases;
  private final ErasureSweep erasure;
  private final ComplianceReports reports;
  private final StoredObjects objects;
  private final String defaultAlias;
  private final RegistryMetrics metrics;
  private final MessageCodec codec;
  private final Problems problems;
  private final ObjectMapper json = MessageCodec.newObjectMapper();

  RegistryApi(
      ModelStore store,
      WorkerExecutor pool,
      AliasMoves aliases,
      ErasureSweep erasure,
      ComplianceReports reports,
      String defaultAlias,
      RegistryMetrics metrics,
      MessageCodec codec) {
    this.store = Objects.requireNonNull(store, "store");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.aliases = Objects.requireNonNull(aliases, "aliases");
    this.erasure = Objects.requireNonNull(erasure, "erasure");
    this.reports = Objects.requireNonNull(reports, "reports");
    this.objects = new StoredObjects(store);
    this.defaultAlias = Objects.requireNonNull(defaultAlias, "defaultAlias");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.problems = new Problems(codec);
  }

  /**
   * Adds the API's routes to {@code router}, each behind its scope: reads (compliance reports
   * included) need {@code read}; alias moves (promote, forced promote, rollback) and purge orders
   * {@code admin}. Anything else under {@code /v1/} needs a valid token before it learns that it is
   * not served.
   */
  void mount(Router router, BearerAuth auth) {
    Set<Scope> read = EnumSet.of(Scope.READ);
    Set<Scope> admin = EnumSet.of(Scope.ADMIN);
    route(router, auth, HttpMethod.GET, MODELS, read, ctx -> io(this::models).map(this::toJson));
    route(router, auth, HttpMethod.GET, VERSIONS, read, this::versions);
    route(router, auth, HttpMethod.GET, VERSION, read, this::version);
    route(router, auth, HttpMethod.GET, REPORT, read, this::report);
    route(router, auth, HttpMethod.GET, OBJECT, read, this::object);
    route(router, auth, HttpMethod.GET, ALIAS, read, this::alias);
    route(router, auth, HttpMethod.PUT, ALIAS, admin, this::promote);
    route(router, auth, HttpMethod.POST, ROLLBACK, admin, this::rollback);
    route(router, auth, HttpMethod.POST, PURGE, admin, this::purge);
    route(router, auth, HttpMethod.GET, REQUEST_REPORT, read, this::requestReport);
    // Anything else under /v1 gets a problem body too, and is counted under one route tag.
    auth.guard(router.route("/v1/*"), Set.of())
        .handler(
            ctx -> {
              ctx.addEndHandler(
                  v ->
                      metrics.httpRequest(
                          ctx.request().method().name(),
                          UNMATCHED,
                          ctx.response().getStatusCode()));
              problems.send(
                  ctx,
                  ApiException.notFound(
                          "no route " + ctx.request().method() + " " + ctx.request().path())
                      .toProblem(ctx.request().path()));
            });
  }

  private Views.Models models() {
    List<Views.ModelSummary> summaries = new ArrayList<>();
    for (String modelId : store.models()) {
      List<Integer> versions = store.versions(modelId);
      if (versions.isEmpty()) {
        continue;
      }
      Map<String, Integer> aliasMap = new LinkedHashMap<>();
      store
          .aliasHistory(modelId, defaultAlias)
          .ifPresent(h -> aliasMap.put(defaultAlias, h.current()));
      summaries.add(
          new Views.ModelSummary(
              modelId, versions.size(), versions.get(versions.size() - 1), aliasMap));
    }
    return new Views.Models(summaries);
  }

  private Future<Reply> versions(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    return io(() -> {
          List<Integer> versions = store.versions(modelId);
          if (versions.isEmpty()) {
            throw ApiException.notFound("no model " + modelId + " (it has no visible version)");
          }
          List<Views.VersionSummary> summaries = new ArrayList<>();
          for (int v : versions) {
            summaries.add(Views.VersionSummary.of(store.manifest(modelId, v)));
          }
          return new Views.Versions(modelId, summaries);
        })
        .map(this::toJson);
  }

  private Future<Reply> version(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    int version = ApiRequests.version(ctx.pathParam("version"));
    return io(() -> store.manifest(modelId, version)).map(m -> Reply.json(codec.encode(m)));
  }

  private Future<Reply> report(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    int version = ApiRequests.version(ctx.pathParam("version"));
    return io(() -> {
          store.manifest(modelId, version); // an unknown version is a 404 of its own
          return store
              .evaluation(modelId, version)
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          modelId
                              + " v"
                              + version
                              + " has not been evaluated yet; its report appears once the"
                              + " evaluator has measured it"));
        })
        .map((EvaluationReportMessage r) -> Reply.json(codec.encode(r)));
  }

  private Future<Reply> object(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    int version = ApiRequests.version(ctx.pathParam("version"));
    String key = ApiRequests.objectName(ctx.pathParam("name"));
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    return io(() -> {
          if (ifNoneMatch != null) {
            ModelVersionManifest manifest = store.manifest(modelId, version);
            String sha = objects.describe(manifest, key).sha256();
            if (ifNoneMatch.equals(etag(sha))) {
              return new Reply(304, null, null, headers(sha));
            }
          }
          StoredObjects.Download d = objects.read(modelId, version, key);
          return new Reply(200, d.contentType(), d.bytes(), headers(d.sha256()));
        })
        .onSuccess(
            reply -> {
              if (reply.body() != null) {
                metrics.bytesDownloaded.increment(reply.body().length);
              }
            });
  }

  private static Map<String, String> headers(String sha256) {
    return Map.of("ETag", etag(sha256), SHA256_HEADER, sha256);
  }

  private static String etag(String sha256) {
    return "\"" + sha256 + "\"";
  }

  private Future<Reply> alias(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    String alias = ApiRequests.alias(ctx.pathParam("alias"));
    return io(() -> aliases.history(modelId, alias)).map(this::aliasReply);
  }

  private Future<Reply> promote(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    String alias = ApiRequests.alias(ctx.pathParam("alias"));
    Buffer body = ctx.body().buffer();
    AliasUpdate update = ApiRequests.aliasUpdate(codec, body == null ? null : body.getBytes());
    AliasHistory.Note note = ApiRequests.note(actor(ctx), update.forced(), update.reason());
    return io(() -> aliases.promoteManually(modelId, alias, update.version(), note))
        .map(this::aliasReply);
  }

  private Future<Reply> rollback(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    String alias = ApiRequests.alias(ctx.pathParam("alias"));
    Buffer body = ctx.body().buffer();
    AliasRollback rollback =
        ApiRequests.aliasRollback(codec, body == null ? null : body.getBytes());
    AliasHistory.Note note = ApiRequests.note(actor(ctx), rollback.forced(), rollback.reason());
    return io(() -> aliases.rollback(modelId, alias, note)).map(this::aliasReply);
  }

  private Future<Reply> purge(RoutingContext ctx) {
    String modelId = ApiRequests.modelId(ctx.pathParam("modelId"));
    int version = ApiRequests.version(ctx.pathParam("version"));
    Buffer body = ctx.body().buffer();
    PurgeOrder order = ApiRequests.purgeOrder(codec, body == null ? null : body.getBytes());
    String actor = actor(ctx);
    return io(() -> erasure.purgeNow(modelId, version, order.reason(), actor)).map(this::toJson);
  }

  private Future<Reply> requestReport(RoutingContext ctx) {
    String requestId = ApiRequests.requestId(ctx.pathParam("requestId"));
    return io(() -> reports.build(requestId)).map(r -> Reply.json(codec.encode(r)));
  }

  /** Who is calling: the API token's name (the audit log's actor). */
  private static String actor(RoutingContext ctx) {
    return BearerAuth.principal(ctx).name();
  }

  private Reply aliasReply(AliasHistory history) {
    return toJson(Views.Alias.of(history));
  }

  private Reply toJson(Object body) {
    try {
      return Reply.json(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
    }
  }

  /** Registry work, off the event loop. */
  private <T> Future<T> io(Callable<T> work) {
    return pool.executeBlocking(work, false);
  }

  /**
   * Registers {@code handler} for {@code template} behind a guard admitting tokens with one of
   * {@code anyOf} (no route without a scope); a PUT's or POST's body is read, up to {@link
   * #MAX_BODY_BYTES}, only once the caller is authenticated. Counts the request under its template
   * and status when the response ends, and turns anything the handler throws or fails with into a
   * problem.
   */
  private void route(
      Router router,
      BearerAuth auth,
      HttpMethod method,
      String template,
      Set<Scope> anyOf,
      Function<RoutingContext, Future<Reply>> handler) {
    auth.guard(router.route(method, template), anyOf);
    if (method == HttpMethod.PUT || method == HttpMethod.POST) {
      // A route of its own: Vert.x refuses a BodyHandler after another handler on one route.
      router.route(method, template).handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    }
    router
        .route(method, template)
        .handler(
            ctx -> {
              ctx.addEndHandler(
                  v ->
                      metrics.httpRequest(method.name(), template, ctx.response().getStatusCode()));
              Future<Reply> reply;
              try {
                reply = handler.apply(ctx);
              } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
              }
              reply.onComplete(
                  r -> {
                    if (r.succeeded()) {
                      write(ctx, r.result());
                    } else {
                      problems.send(ctx, problems.of(r.cause(), ctx.request().path()));
                    }
                  });
            });
  }

  private static void write(RoutingContext ctx, Reply reply) {
    ctx.response().setStatusCode(reply.status());
    reply.headers().forEach((k, v) -> ctx.response().putHeader(k, v));
    if (reply.body() == null) {
      ctx.response().end();
      return;
    }
    ctx.response().putHeader("content-type", reply.contentType()).end(Buffer.buffer(reply.body()));
  }
}
