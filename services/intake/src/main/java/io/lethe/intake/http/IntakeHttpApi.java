package io.lethe.intake.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Problem;
import io.lethe.intake.core.DeletionIntake;
import io.lethe.intake.core.DeletionStatuses;
import io.lethe.intake.core.DeletionStatuses.DeletionStatus;
import io.lethe.intake.core.DeletionStatuses.Receipt;
import io.lethe.intake.core.DeletionStatuses.RequestStatus;
import io.lethe.intake.core.IntakeMetrics;
import io.lethe.intake.core.ModelCatalog.Resolution;
import io.lethe.service.auth.BearerAuth;
import io.lethe.service.auth.Scope;
import io.lethe.service.http.ProblemResponses;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.UnprocessableRecord;
import io.lethe.service.logging.LogContext;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.EnumSet;
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
public final class IntakeHttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeHttpApi.class);
  static final String DELETIONS = "/v1/deletions";
  static final String DELETION = "/v1/deletions/:key";
  static final String REQUEST = "/v1/requests/:id";

  /** Seconds a client should wait before retrying when Kafka is unavailable. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final DeletionIntake intake;
  private final DeletionStatuses statuses;
  private final ContractProducer producer;
  private final String topic;
  private final IntakeMetrics meters;
  private final BearerAuth auth;
  private final MessageCodec codec = new MessageCodec();
  private final ProblemResponses problems = new ProblemResponses(codec);
  private final ObjectMapper json = MessageCodec.newObjectMapper();

  /**
   * @param producer writes accepted deletions to {@code topic}, where the Kafka input takes them
   */
  public IntakeHttpApi(
      DeletionIntake intake,
      DeletionStatuses statuses,
      ContractProducer producer,
      String topic,
      IntakeMetrics meters,
      BearerAuth auth) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.statuses = Objects.requireNonNull(statuses, "statuses");
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
  public void mount(Router router) {
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
                  ProblemResponses.problem(
                      status,
                      io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase(),
                      refusal(status, ctx),
                      ctx.request().path()));
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
    Optional<Receipt> repeat = statuses.repeatOf(event);
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
    Receipt receipt = statuses.accepted(event, correlationId, resolution);
    producer
        .send(topic, Contract.DELETION_EVENT, key, durable, correlationId)
        .onSuccess(
            md -> {
              statuses.written(receipt);
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

  private void getDeletion(RoutingContext ctx) {
    Optional<DeletionStatus> status = statuses.deletion(ctx.pathParam("key"));
    if (status.isPresent()) {
      respond(ctx, 200, status.get());
    } else {
      notFound(ctx, "no deletion with this idempotency key is known to the ledger yet");
    }
  }

  private void getRequest(RoutingContext ctx) {
    Optional<RequestStatus> status = statuses.request(ctx.pathParam("id"));
    if (status.isPresent()) {
      respond(ctx, 200, status.get());
    } else {
      notFound(ctx, "no forget request with this id");
    }
  }

  private void notFound(RoutingContext ctx, String detail) {
    problem(ctx, ProblemResponses.problem(404, "Not Found", detail, ctx.request().path()));
  }

  private void problem(RoutingContext ctx, Problem problem) {
    problems.send(ctx, problem);
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
