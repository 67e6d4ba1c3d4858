package io.lethe.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.DeletionEvent;
import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.Problem;
import io.lethe.api.Topics;
import io.lethe.api.Violation;
import io.lethe.intake.Coalescer.Batch;
import io.lethe.intake.ModelCatalog.Affected;
import io.lethe.intake.ModelCatalog.Resolution;
import io.lethe.service.Component;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.kafka.UnprocessableRecord;
import io.lethe.service.metrics.HttpEndpoint;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake: deletion events in (Kafka {@code lethe.deletion-events} and HTTP {@code POST
 * /v1/deletions}), forget requests out ({@code lethe.forget-requests}, keyed by model id).
 *
 * <p>Each event is de-duplicated by idempotency key, resolved to the models trained on its subjects
 * ({@link ModelCatalog}), and merged per model into the open batch of the {@link Coalescer}. HTTP
 * answers at once (202, with the request ids, which {@code GET /v1/requests/{id}} reports as {@code
 * pending} then {@code emitted}); the Kafka handler's future completes only when every request
 * containing the event has been acknowledged, so the consumer commits the event's offset only then
 * and a crash in between re-reads it. The price: records of one partition are handled one at a
 * time, so a partition advances by about one event per window (its subjects still merge with
 * concurrent HTTP events and other partitions); give the topic enough partitions.
 *
 * <p><b>De-duplication is in memory.</b> The last {@value #DEDUPE_CAPACITY} idempotency keys are
 * kept in an LRU (about 20 MB at worst); a restart, or a key older than that, forgets them, so a
 * repeat after a restart produces a second forget request. That is safe (the worker checks the
 * registry before unlearning a subject twice) but wasteful. The durable version is a compacted
 * Kafka topic (or a registry table) keyed by idempotency key, written before the offset commit and
 * loaded at start-up. A key whose request could not be sent is forgotten, so a retry is accepted.
 *
 * <p>All state is touched from one Vert.x context: the HTTP server is created in {@link #start()}
 * on it, and the consumer and producer hand results back to it.
 */
public final class IntakeService implements Component {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeService.class);

  /** Idempotency keys remembered (see the class comment). */
  public static final int DEDUPE_CAPACITY = 100_000;

  /** Forget requests whose status {@code GET /v1/requests/{id}} can report. */
  public static final int STATUS_CAPACITY = 100_000;

  /** Used when an event does not ask for a method. */
  public static final Method DEFAULT_METHOD = Method.DLFD;

  static final String PROBLEM_JSON = "application/problem+json";
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  /** The answer to an accepted deletion event: the HTTP 200/202 body. */
  public record Accepted(
      String eventId,
      String idempotencyKey,
      String correlationId,
      boolean duplicate,
      List<String> requestIds,
      List<String> modelIds,
      List<String> unknownSubjectIds,
      List<String> alreadyForgottenSubjectIds) {}

  /** The body of {@code GET /v1/requests/{id}}. */
  public record RequestStatus(
      String requestId,
      String status,
      String modelId,
      int baseVersion,
      Method method,
      String correlationId,
      List<String> subjectIds,
      List<String> sourceEventIds) {}

  private record Seen(Accepted accepted, Future<Void> emitted) {}

  private final Vertx vertx;
  private final IntakeSettings settings;
  private final ModelCatalog catalog;
  private final Metrics metrics;
  private final IntakeMetrics meters;
  private final MessageCodec codec = new MessageCodec();
  private final ObjectMapper json = MessageCodec.newObjectMapper();
  private final BoundedLru<String, Seen> seen = new BoundedLru<>(DEDUPE_CAPACITY);
  private final BoundedLru<String, Batch> requests = new BoundedLru<>(STATUS_CAPACITY);
  private String inputTopic = Topics.DELETION_EVENTS;
  private String outputTopic = Topics.FORGET_REQUESTS;
  private String deadLetterTopic = Topics.DEAD_LETTERS;

  private ContractProducer producer;
  private ContractConsumer<DeletionEvent> consumer;
  private HttpEndpoint endpoint;
  private Coalescer coalescer;
  private volatile boolean ready;

  public IntakeService(
      Vertx vertx, IntakeSettings settings, ModelCatalog catalog, Metrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.meters = new IntakeMetrics(metrics);
  }

  /** Other topics than the standard ones (tests isolate their runs this way). */
  public IntakeService optTopics(String input, String output, String deadLetters) {
    this.inputTopic = Objects.requireNonNull(input, "input");
    this.outputTopic = Objects.requireNonNull(output, "output");
    this.deadLetterTopic = Objects.requireNonNull(deadLetters, "deadLetters");
    return this;
  }

  /** Producer, then HTTP (health 503 until ready), then the consumer: ready when all are up. */
  @Override
  public Future<Void> start() {
    producer = new ContractProducer(vertx, settings.kafka(), codec);
    coalescer =
        new Coalescer(
            settings.coalesceWindow(),
            new Coalescer.Timers() {
              @Override
              public long schedule(Duration delay, Runnable task) {
                return vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
              }

              @Override
              public void cancel(long id) {
                vertx.cancelTimer(id);
              }
            },
            Clock.systemUTC(),
            () -> UUID.randomUUID().toString(),
            request ->
                producer
                    .send(
                        outputTopic,
                        Contract.FORGET_REQUEST,
                        request.modelId(),
                        request,
                        request.correlationId())
                    .onSuccess(md -> meters.emitted().increment())
                    .onFailure(
                        e ->
                            LOG.error(
                                "forget request {} for {} not sent: {}",
                                request.requestId(),
                                request.modelId(),
                                e.toString()))
                    .mapEmpty());
    endpoint =
        new HttpEndpoint(vertx, settings.http(), metrics.registry()).optReadiness(() -> ready);
    endpoint
        .router()
        .post("/v1/deletions")
        .handler(BodyHandler.create().setBodyLimit(MessageCodec.MAX_BYTES));
    endpoint.router().post("/v1/deletions").handler(this::postDeletion);
    endpoint.router().get("/v1/requests/:id").handler(this::getRequest);
    consumer =
        new ContractConsumer<>(
                vertx,
                settings.kafka(),
                codec,
                producer,
                inputTopic,
                DeletionEvent.class,
                this::onRecord)
            .optDeadLetterTopic(deadLetterTopic)
            .optMetrics(metrics)
            // A dead-lettered event was received and rejected, like a 400 on HTTP.
            .optDeadLetterListener(
                (source, reason, violation) -> {
                  meters.received(IntakeMetrics.KAFKA).increment();
                  meters.rejected(IntakeMetrics.KAFKA).increment();
                });
    return producer
        .start()
        .compose(v -> endpoint.start())
        .compose(v -> consumer.start())
        .onSuccess(
            v -> {
              ready = true;
              LOG.info(
                  "intake ready: {} -> {}, window {}, HTTP port {}",
                  inputTopic,
                  outputTopic,
                  settings.coalesceWindow(),
                  endpoint.actualPort());
            });
  }

  /**
   * Stops taking events (consumer, HTTP), emits the open batches so accepted events are not lost,
   * then closes the producer.
   */
  @Override
  public Future<Void> stop() {
    ready = false;
    Future<Void> inputs =
        Future.all(
                consumer == null ? Future.succeededFuture() : consumer.stop(),
                endpoint == null ? Future.succeededFuture() : endpoint.stop())
            .mapEmpty();
    return inputs
        .eventually(() -> coalescer == null ? Future.succeededFuture() : coalescer.flush())
        .eventually(() -> producer == null ? Future.succeededFuture() : producer.stop());
  }

  /** The bound HTTP port (the real one when configured with 0); -1 before start. */
  public int httpPort() {
    return endpoint == null ? -1 : endpoint.actualPort();
  }

  private Future<Void> onRecord(Delivery<DeletionEvent> delivery) {
    meters.received(IntakeMetrics.KAFKA).increment();
    Intake intake = accept(delivery.value(), IntakeMetrics.KAFKA, delivery.correlationId());
    return intake.emitted();
  }

  private record Intake(Accepted accepted, Future<Void> emitted) {}

  /** De-duplicates, resolves and coalesces one valid event. */
  private Intake accept(DeletionEvent event, String source, Optional<String> headerCorrelation) {
    Optional<Seen> before = seen.get(event.idempotencyKey());
    if (before.isPresent()) {
      meters.deduplicated(source).increment();
      Accepted original = before.get().accepted();
      return new Intake(
          new Accepted(
              event.eventId(),
              original.idempotencyKey(),
              original.correlationId(),
              true,
              original.requestIds(),
              original.modelIds(),
              original.unknownSubjectIds(),
              original.alreadyForgottenSubjectIds()),
          before.get().emitted());
    }
    String correlationId =
        Optional.ofNullable(event.correlationId())
            .or(() -> headerCorrelation.filter(c -> ID.matcher(c).matches()))
            .orElseGet(() -> UUID.randomUUID().toString());
    Resolution resolution = catalog.resolve(event.subjectIds(), event.modelIds());
    if (resolution.nothingKnown()) {
      // Most likely a wrong id (or the wrong upstream): say so rather than accept and do nothing.
      meters.unknownSubjects(source).increment(resolution.unknownSubjectIds().size());
      throw new UnprocessableRecord(
          Contract.DELETION_EVENT,
          List.of(
              new Violation(
                  "$.subjectIds",
                  "no model"
                      + (event.modelIds() == null ? "" : " among " + event.modelIds())
                      + " was trained on "
                      + (resolution.unknownSubjectIds().size() == 1 ? "subject " : "subjects ")
                      + String.join(", ", resolution.unknownSubjectIds())
                      + ", and none of them was forgotten earlier: nothing to forget")));
    }
    if (!resolution.unknownSubjectIds().isEmpty()) {
      meters.unknownSubjects(source).increment(resolution.unknownSubjectIds().size());
      LOG.info(
          "event {} ({}): {} subject(s) known to no model",
          event.eventId(),
          correlationId,
          resolution.unknownSubjectIds().size());
    }
    Method method = event.method() == null ? DEFAULT_METHOD : event.method();
    List<String> requestIds = new ArrayList<>();
    List<String> modelIds = new ArrayList<>();
    List<Future<Void>> emissions = new ArrayList<>();
    for (Affected affected : resolution.affected()) {
      Batch batch =
          coalescer.add(affected, event.eventId(), correlationId, method, event.hyperparameters());
      requests.put(batch.requestId(), batch);
      if (!requestIds.contains(batch.requestId())) {
        requestIds.add(batch.requestId());
        modelIds.add(affected.model().modelId());
        emissions.add(batch.emitted());
      }
    }
    Accepted accepted =
        new Accepted(
            event.eventId(),
            event.idempotencyKey(),
            correlationId,
            false,
            List.copyOf(requestIds),
            List.copyOf(modelIds),
            resolution.unknownSubjectIds(),
            resolution.forgottenSubjectIds());
    Future<Void> emitted = Future.all(emissions).mapEmpty();
    seen.put(event.idempotencyKey(), new Seen(accepted, emitted));
    // A key whose request was not sent is forgotten, so the retry (redelivery, client) is accepted.
    emitted.onFailure(e -> seen.remove(event.idempotencyKey()));
    return new Intake(accepted, emitted);
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
    Intake intake;
    try {
      intake =
          accept(
              event,
              IntakeMetrics.HTTP,
              Optional.ofNullable(ctx.request().getHeader(Headers.CORRELATION_ID)));
    } catch (UnprocessableRecord unprocessable) {
      meters.rejected(IntakeMetrics.HTTP).increment();
      problem(ctx, Problem.unprocessable(unprocessable.violation(), ctx.request().path()));
      return;
    }
    Accepted accepted = intake.accepted();
    respond(ctx, accepted.duplicate() ? 200 : 202, "application/json", accepted);
  }

  private void getRequest(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<Batch> batch = requests.get(id);
    if (batch.isEmpty()) {
      problem(
          ctx,
          new Problem(
              "about:blank",
              "Not Found",
              404,
              "no forget request with this id (unknown, or older than the last "
                  + STATUS_CAPACITY
                  + ")",
              ctx.request().path(),
              null,
              null,
              null));
      return;
    }
    Batch b = batch.get();
    respond(
        ctx,
        200,
        "application/json",
        new RequestStatus(
            b.requestId(),
            b.state().name().toLowerCase(Locale.ROOT),
            b.model().modelId(),
            b.model().baseVersion(),
            b.method(),
            b.correlationId(),
            b.subjectIds(),
            b.sourceEventIds()));
  }

  private void problem(RoutingContext ctx, Problem problem) {
    byte[] body;
    try {
      body = codec.encode(problem);
    } catch (ContractViolation e) {
      // Our own problem broke problem.v1 (e.g. an over-long detail): still answer, plainly.
      LOG.warn("problem body invalid: {}", e.getMessage());
      ctx.response().setStatusCode(problem.status()).end();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("content-type", PROBLEM_JSON)
        .end(Buffer.buffer(body));
  }

  private void respond(RoutingContext ctx, int status, String contentType, Object body) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader("content-type", contentType)
          .end(Buffer.buffer(json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }
}
