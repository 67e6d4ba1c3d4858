package io.lethe.intake;

import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.RequestState;
import io.lethe.api.Topics;
import io.lethe.intake.core.Coalescer;
import io.lethe.intake.core.DeletionIntake;
import io.lethe.intake.core.DeletionStatuses;
import io.lethe.intake.core.FailedJobs;
import io.lethe.intake.core.IntakeMetrics;
import io.lethe.intake.core.ModelCatalog;
import io.lethe.intake.core.RequestEmitter;
import io.lethe.intake.core.Retries;
import io.lethe.intake.http.IntakeHttpApi;
import io.lethe.intake.kafka.KafkaInput;
import io.lethe.intake.kafka.RequestLedger;
import io.lethe.service.Component;
import io.lethe.service.auth.BearerAuth;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.HttpEndpoint;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake: deletion events in (Kafka {@code lethe.deletion-events}, and HTTP {@code POST
 * /v1/deletions}, which writes them to that topic before it answers), forget requests out ({@code
 * lethe.forget-requests}, keyed by model id), their state in the ledger ({@code
 * lethe.intake-ledger}).
 *
 * <p><b>Nothing accepted is lost.</b> A 202 means the event is on the topic with {@code acks=all};
 * coalescing happens only downstream of that, in the Kafka path ({@link DeletionIntake}). The
 * consumer is pipelined: it keeps reading while a window is open, and commits an event's offset
 * only once the requests covering it are recorded in the ledger and sent ({@link RequestEmitter}).
 * A crash loses at most open windows, whose events are re-read; a request recorded as {@code
 * emitting} but not as sent is sent again at start-up under its own id.
 *
 * <p><b>Nothing twice.</b> Idempotency keys live in the ledger, which every replica reads at
 * start-up and tails; an event whose key is taken (by a sent request, or one in an open window) is
 * a repeat. HTTP events are keyed by idempotency key, so repeats land on one partition, read by one
 * replica at a time.
 *
 * <p>All state is touched from one Vert.x context: the HTTP server is created in {@link #start()}
 * on it, and the consumer, producer and ledger hand results back to it.
 */
public final class IntakeService implements Component {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeService.class);

  /** Used when an event does not ask for a method. */
  public static final Method DEFAULT_METHOD = DeletionIntake.DEFAULT_METHOD;

  /** Events read but not yet covered by a sent request, per partition, before it is paused. */
  public static final int MAX_EVENTS_IN_FLIGHT = KafkaInput.MAX_EVENTS_IN_FLIGHT;

  /** How long {@link #stop()} waits for open windows to be sent. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final IntakeSettings settings;
  private final ModelCatalog catalog;
  private final Metrics metrics;
  private final IntakeMetrics meters;
  private final MessageCodec codec = new MessageCodec();
  private final Clock clock = Clock.systemUTC();
  private String inputTopic = Topics.DELETION_EVENTS;
  private String outputTopic = Topics.FORGET_REQUESTS;
  private String deadLetterTopic = Topics.DEAD_LETTERS;
  private String ledgerTopic = Topics.INTAKE_LEDGER;
  private String resultsTopic = Topics.UNLEARNING_RESULTS;
  private final Map<String, Object> consumerOverrides = new HashMap<>();

  private ContractProducer producer;
  private RequestLedger ledger;
  private KafkaInput input;
  private HttpEndpoint endpoint;
  private Coalescer coalescer;
  private volatile boolean ready;
  private volatile boolean running;

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

  /** Another results topic than {@link Topics#UNLEARNING_RESULTS} (tests isolate their runs). */
  public IntakeService optResultsTopic(String results) {
    this.resultsTopic = Objects.requireNonNull(results, "results");
    return this;
  }

  /** Overrides a property of the deletion-event consumer (e.g. {@code session.timeout.ms}). */
  public IntakeService optConsumerProperty(String key, Object value) {
    consumerOverrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
    return this;
  }

  /** Another ledger topic than {@link Topics#INTAKE_LEDGER} (tests isolate their runs this way). */
  public IntakeService optLedgerTopic(String ledger) {
    this.ledgerTopic = Objects.requireNonNull(ledger, "ledger");
    return this;
  }

  /**
   * Producer, ledger (read to its end), requests left {@code emitting} sent again, HTTP (health 503
   * until ready), then the consumer: ready when all are up.
   */
  @Override
  public Future<Void> start() {
    Context context = vertx.getOrCreateContext();
    running = true;
    producer = new ContractProducer(vertx, settings.kafka(), codec).optMetrics(metrics);
    ledger = new RequestLedger(vertx, settings.kafka(), codec, producer, ledgerTopic);
    Retries retries =
        new Retries(context, () -> running, Duration.ofMillis(200), Duration.ofSeconds(30))
            .optOnRetry(() -> meters.retries().increment());
    RequestEmitter emitter =
        new RequestEmitter(ledger, producer, outputTopic, retries, meters, clock);
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
            clock,
            () -> UUID.randomUUID().toString(),
            emitter::emit);
    DeletionIntake intake =
        new DeletionIntake(catalog, settings.hyperparameterLimits(), ledger, coalescer, meters);
    input =
        new KafkaInput(
                vertx,
                settings.kafka(),
                codec,
                producer,
                intake,
                new FailedJobs(ledger, retries, clock),
                meters,
                metrics)
            .optTopics(inputTopic, resultsTopic, deadLetterTopic)
            .optConsumerProperties(consumerOverrides);
    endpoint =
        new HttpEndpoint(vertx, settings.http(), metrics.registry())
            .optReadiness(() -> ready)
            .optHealth("deletions", input::deletionsHealth)
            .optHealth("results", input::resultsHealth)
            .optHealth("ledger", () -> ledger.health());
    new IntakeHttpApi(
            intake,
            new DeletionStatuses(intake, ledger),
            producer,
            inputTopic,
            meters,
            new BearerAuth(settings.auth(), metrics))
        .mount(endpoint.router());
    return producer
        .start()
        .compose(v -> ledger.start())
        .onSuccess(v -> resendUnfinished(emitter))
        .compose(v -> endpoint.start())
        .compose(v -> input.start())
        .onSuccess(
            v -> {
              ready = true;
              LOG.info(
                  "intake ready: {} -> {}, window {}, ledger {} ({} requests), HTTP port {}",
                  inputTopic,
                  outputTopic,
                  settings.coalesceWindow(),
                  ledgerTopic,
                  ledger.size(),
                  endpoint.actualPort());
            });
  }

  /** Sends again, under their own ids, the requests a previous run recorded but did not send. */
  private void resendUnfinished(RequestEmitter emitter) {
    for (RequestState s : ledger.unfinishedAtStart()) {
      LOG.info("request {} was recorded but not sent before: sending it", s.requestId());
      emitter.send(s);
    }
  }

  /**
   * Stops taking events (consumer, HTTP), sends the open windows (up to {@link #FLUSH_TIMEOUT}; an
   * event not covered by then is simply re-read at the next start), then closes the ledger and the
   * producer.
   */
  @Override
  public Future<Void> stop() {
    ready = false;
    Future<Void> inputs =
        Future.all(
                input == null ? Future.succeededFuture() : input.stop(),
                endpoint == null ? Future.succeededFuture() : endpoint.stop())
            .mapEmpty();
    return inputs
        .eventually(
            () ->
                coalescer == null
                    ? Future.succeededFuture()
                    : coalescer.flush().timeout(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .eventually(
            () -> {
              running = false;
              return ledger == null ? Future.succeededFuture() : ledger.stop();
            })
        .eventually(() -> producer == null ? Future.succeededFuture() : producer.stop());
  }

  /** The HTTP router, with the API's routes once started (the auth test enumerates them). */
  io.vertx.ext.web.Router router() {
    return endpoint.router();
  }

  /** The bound HTTP port (the real one when configured with 0); -1 before start. */
  public int httpPort() {
    return endpoint == null ? -1 : endpoint.actualPort();
  }
}
