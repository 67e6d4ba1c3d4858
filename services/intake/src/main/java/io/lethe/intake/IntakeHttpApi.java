package io.lethe.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.DeletionEvent;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.Problem;
import io.lethe.api.RequestState;
import io.lethe.intake.Coalescer.Batch;
import io.lethe.intake.ModelCatalog.Resolution;
import io.lethe.service.auth.BearerAuth;
import io.lethe.service.auth.Scope;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.UnprocessableRecord;
import io.lethe.service.logging.LogContext;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake's HTTP adapter. {@code POST /v1/deletions} validates the event, answers a repeat of an
 * idempotency key with 200 and what became of it, rejects subjects no model knows with 422, and
 * otherwise writes the event to {@code lethe.deletion-events} (keyed by idempotency key, {@code
 * acks=all}) and only then answers 202: a 202 means the deletion is durable, and the same Kafka
 * path as upstream events coalesces it. If Kafka does not acknowledge, the answer is 503 with
 * {@code Retry-After} and nothing was accepted. {@code GET /v1/deletions/{idempotencyKey}} and
 * {@code GET /v1/requests/{requestId}} report status from the shared ledger, so any replica
 * answers, after a restart too.
 *
 * <p>Every route needs a bearer token with its scope ({@link BearerAuth}): posting {@code submit},
 * a deletion's status {@code submit} or {@code read}, a request's status {@code read}.
 */
final class IntakeHttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeHttpApi.class);
  static final String PROBLEM_JSON = "application/problem+json";
  static final String DELETIONS = "/v1/deletions";
  static final String DELETION = "/v1/deletions/:key";
  static final String REQUEST = "/v1/requests/:id";

  /** Seconds a client should wait before retrying when Kafka is unavailable. */
  static final int RETRY_AFTER_SECONDS = 5;

  /** Keys this replica wrote to the topic that the ledger does not show yet. */
  static final int RECENT_CAPACITY = 100_000;

  /** The answer to a deletion: the HTTP 200/202 body. */
  record Receipt(
      String eventId,
      String idempotencyKey,
      String correlationId,
      boolean duplicate,
      String status,
      String statusUrl,
      List<String> requestIds,
      List<String> modelIds,
      List<String> unknownSubjectIds,
      List<String> alreadyForgottenSubjectIds) {}

  /** The body of {@code GET /v1/requests/{id}}. */
  record RequestStatus(
      String requestId,
      String status,
      String modelId,
      int baseVersion,
      Method method,
      String correlationId,
      List<String> subjectIds,
      List<String> sourceEventIds,
      String error) {}

  /** One request of a deletion, in {@code GET /v1/deletions/{key}}. */
  record RequestSummary(String requestId, String modelId, String status) {}

  /** The body of {@code GET /v1/deletions/{key}}. */
  record DeletionStatus(String idempotencyKey, String status, List<RequestSummary> requests) {}

  private final DeletionIntake intake;
  private final RequestLedger ledger;
  private final ContractProducer producer;
  private final String topic;
  private final IntakeMetrics meters;
  private final BearerAuth auth;
  private final MessageCodec codec = new MessageCodec();
  private final ObjectMapper json = MessageCodec.newObjectMapper();
  private final BoundedLru<String, Receipt> recent = new BoundedLru<>(RECENT_CAPACITY);

  IntakeHttpApi(
      DeletionIntake intake,
      RequestLedger ledger,
      ContractProducer producer,
      String topic,
      IntakeMetrics meters,
      BearerAuth auth) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  /**
   * Adds the routes to {@code router}, each behind its scope: posting a deletion needs {@code
   * submit}; a deletion's status by its key {@code submit} or {@code read} (whoever posted it
   * follows it); a request's status {@code read}. A path or method that is not served needs a valid
   * token before it learns so (401, not route discovery; then 404 or 405).
   */
  void mount(Router router) {
    // No file uploads: a multipart POST must not write files to the intake's disk. The body is
    // read only once the caller is authenticated.
    route(
        router,
        HttpMethod.POST,
        DELETIONS,
        EnumSet.of(Scope.SUBMIT),
        BodyHandler.create(false).setBodyLimit(MessageCodec.MAX_BYTES),
        this::postDeletion);
    route(
        router, HttpMethod.GET, DELETION, EnumSet.of(Scope.SUBMIT, Scope.READ), this::getDeletion);
    route(router, HttpMethod.GET, REQUEST, EnumSet.of(Scope.READ), this::getRequest);
    // Vert.x answers these itself (no route, wrong method, body too large or undecodable) with
    // an HTML or plain-text body; every 4xx of the API is a problem+json.
    // 400, 413 and 415 come after a route's guard; 404 and 405 (nothing served there) are
    // authenticated first.
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      Handler<RoutingContext> answer =
          ctx ->
              problem(
                  ctx,
                  new Problem(
                      "about:blank",
                      io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase(),
                      status,
                      refusal(status, ctx),
                      ctx.request().path(),
                      null,
                      null,
                      null));
      router.errorHandler(
          status,
          status == 404 || status == 405
              ? ctx -> auth.ifAuthenticated(ctx, () -> answer.handle(ctx))
              : answer);
    }
  }

  /**
   * Registers {@code handlers} for {@code method} {@code template}, after a guard admitting tokens
   * with one of {@code anyOf}: no route of the API can be added without choosing its scopes.
   */
  @SafeVarargs
  private void route(
      Router router,
      HttpMethod method,
      String template,
      Set<Scope> anyOf,
      Handler<RoutingContext>... handlers) {
    auth.guard(router.route(method, template), anyOf);
    // Separate routes: Vert.x refuses a BodyHandler after another handler on one route.
    for (Handler<RoutingContext> h : handlers) {
      // The handler's log lines carry the caller's correlation id (request ids come later).
      router
          .route(method, template)
          .handler(
              ctx -> {
                try (LogContext ids =
                    LogContext.of(null, ctx.request().getHeader(Headers.CORRELATION_ID))) {
                  h.handle(ctx);
                }
              });
    }
  }

  /** What the client did wrong, without the server's internals. */
  private static String refusal(int status, RoutingContext ctx) {
    String call = ctx.request().method() + " " + ctx.request().path();
    return switch (status) {
      case 404 -> call + " is not served";
      case 405 -> ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "the body is larger than " + MessageCodec.MAX_BYTES + " bytes";
      case 415 -> "unsupported content type: " + ctx.request().getHeader("content-type");
      default -> "the request could not be read (send one JSON document as the body)";
    };
  }

  private void postDeletion(RoutingContext ctx) {
    meters.received(IntakeMetrics.HTTP).increment();
    Buffer body = ctx.body().buffer();
    DeletionEvent event;
    try {
      event = codec.decode(body == null ? new byte[0] : body.getBytes(), DeletionEvent.class);
    } catch (ContractViolation violation) {
      meters.rejected(IntakeMetrics.HTTP).increment();
      problem(ctx, Problem.badRequest(violation, ctx.request().path()));
      return;
    }
    String key = event.idempotencyKey();
    Optional<Receipt> repeat = repeatOf(event);
    if (repeat.isPresent()) {
      meters.deduplicated(IntakeMetrics.HTTP).increment();
      respond(ctx, 200, repeat.get());
      return;
    }
    Resolution resolution;
    try {
      resolution = intake.resolve(event, IntakeMetrics.HTTP);
    } catch (UnprocessableRecord unprocessable) {
      meters.rejected(IntakeMetrics.HTTP).increment();
      problem(ctx, Problem.unprocessable(unprocessable.violation(), ctx.request().path()));
      return;
    }
    String correlationId =
        DeletionIntake.correlationOf(
            event, Optional.ofNullable(ctx.request().getHeader(Headers.CORRELATION_ID)));
    DeletionEvent durable =
        new DeletionEvent(
            event.eventId(),
            key,
            correlationId,
            event.occurredAt(),
            event.source(),
            event.subjectIds(),
            event.modelIds(),
            event.reason(),
            event.method(),
            event.hyperparameters());
    Receipt receipt =
        new Receipt(
            event.eventId(),
            key,
            correlationId,
            false,
            "accepted",
            statusUrl(key),
            List.of(),
            resolution.affected().stream().map(a -> a.model().modelId()).distinct().toList(),
            resolution.unknownSubjectIds(),
            resolution.forgottenSubjectIds());
    producer
        .send(topic, Contract.DELETION_EVENT, key, durable, correlationId)
        .onSuccess(
            md -> {
              recent.put(key, receipt);
              respond(ctx, 202, receipt);
            })
        .onFailure(
            e -> {
              LOG.warn(
                  "deletion {} not accepted, Kafka did not acknowledge: {}", key, e.toString());
              ctx.response().putHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
              problem(
                  ctx,
                  new Problem(
                      "about:blank",
                      "Service Unavailable",
                      503,
                      "the deletion could not be recorded durably (Kafka did not acknowledge it);"
                          + " nothing was accepted, retry with the same idempotency key",
                      ctx.request().path(),
                      null,
                      null,
                      correlationId));
            });
  }

  /**
   * What a repeat of {@code event}'s key answers: the key is taken if a request holding it was or
   * is being sent, or if this replica wrote it to the topic and it is not coalesced yet. A key
   * whose requests all failed is free again.
   */
  private Optional<Receipt> repeatOf(DeletionEvent event) {
    String key = event.idempotencyKey();
    List<RequestState> recorded = ledger.byKey(key);
    List<Batch> pending = intake.pendingFor(key);
    Optional<Receipt> mine = recent.get(key);
    boolean honoured =
        !pending.isEmpty()
            || recorded.stream().anyMatch(s -> s.state() != RequestState.State.FAILED);
    boolean inFlight = recorded.isEmpty() && mine.isPresent();
    if (!honoured && !inFlight) {
      return Optional.empty();
    }
    Set<String> requestIds = new LinkedHashSet<>();
    Set<String> modelIds = new LinkedHashSet<>();
    for (RequestState s : recorded) {
      requestIds.add(s.requestId());
      modelIds.add(s.request().modelId());
    }
    for (Batch b : pending) {
      requestIds.add(b.requestId());
      modelIds.add(b.model().modelId());
    }
    String correlationId =
        mine.map(Receipt::correlationId)
            .or(() -> recorded.stream().map(s -> s.request().correlationId()).findFirst())
            .orElse(null);
    return Optional.of(
        new Receipt(
            event.eventId(),
            key,
            correlationId,
            true,
            inFlight ? "accepted" : statusOf(recorded, pending),
            statusUrl(key),
            List.copyOf(requestIds),
            modelIds.isEmpty()
                ? mine.map(Receipt::modelIds).orElse(List.of())
                : List.copyOf(modelIds),
            mine.map(Receipt::unknownSubjectIds).orElse(List.of()),
            mine.map(Receipt::alreadyForgottenSubjectIds).orElse(List.of())));
  }

  private void getDeletion(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    List<RequestState> recorded = ledger.byKey(key);
    List<Batch> pending = intake.pendingFor(key);
    if (recorded.isEmpty() && pending.isEmpty()) {
      if (recent.get(key).isPresent()) {
        respond(ctx, 200, new DeletionStatus(key, "accepted", List.of()));
      } else {
        notFound(ctx, "no deletion with this idempotency key is known to the ledger yet");
      }
      return;
    }
    List<RequestSummary> requests = new ArrayList<>();
    for (RequestState s : recorded) {
      requests.add(new RequestSummary(s.requestId(), s.request().modelId(), name(s.state())));
    }
    for (Batch b : pending) {
      if (requests.stream().noneMatch(r -> r.requestId().equals(b.requestId()))) {
        requests.add(new RequestSummary(b.requestId(), b.model().modelId(), "pending"));
      }
    }
    respond(ctx, 200, new DeletionStatus(key, statusOf(recorded, pending), requests));
  }

  private void getRequest(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<RequestState> recorded = ledger.request(id);
    if (recorded.isPresent()) {
      RequestState s = recorded.get();
      ForgetRequest r = s.request();
      respond(
          ctx,
          200,
          new RequestStatus(
              r.requestId(),
              name(s.state()),
              r.modelId(),
              r.baseVersion(),
              r.method(),
              r.correlationId(),
              r.subjectIds(),
              r.sourceEventIds(),
              s.error()));
      return;
    }
    Optional<Batch> pending = intake.pending(id);
    if (pending.isPresent()) {
      Batch b = pending.get();
      respond(
          ctx,
          200,
          new RequestStatus(
              b.requestId(),
              "pending",
              b.model().modelId(),
              b.model().baseVersion(),
              b.method(),
              b.correlationId(),
              b.subjectIds(),
              b.sourceEventIds(),
              null));
      return;
    }
    notFound(ctx, "no forget request with this id");
  }

  private static String statusOf(List<RequestState> recorded, List<Batch> pending) {
    if (!pending.isEmpty()
        || recorded.stream().anyMatch(s -> s.state() == RequestState.State.EMITTING)) {
      return "pending";
    }
    if (recorded.stream().allMatch(s -> s.state() == RequestState.State.FAILED)) {
      return "failed";
    }
    return recorded.stream().anyMatch(s -> s.state() == RequestState.State.FAILED)
        ? "partly failed"
        : "emitted";
  }

  private static String name(RequestState.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static String statusUrl(String key) {
    return "/v1/deletions/" + key;
  }

  private void notFound(RoutingContext ctx, String detail) {
    problem(
        ctx,
        new Problem(
            "about:blank", "Not Found", 404, detail, ctx.request().path(), null, null, null));
  }

  private void problem(RoutingContext ctx, Problem problem) {
    byte[] body;
    try {
      body = codec.encode(problem);
    } catch (ContractViolation e) {
      LOG.warn("problem body invalid: {}", e.getMessage());
      ctx.response().setStatusCode(problem.status()).end();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("content-type", PROBLEM_JSON)
        .end(Buffer.buffer(body));
  }

  private void respond(RoutingContext ctx, int status, Object body) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader("content-type", "application/json")
          .end(Buffer.buffer(json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }
}
