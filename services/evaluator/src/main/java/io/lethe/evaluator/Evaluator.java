package io.lethe.evaluator;

import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NotFoundException;
import io.lethe.registry.store.StoreException;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation stage: consumes {@code lethe.unlearning-results} in group {@code lethe-evaluator},
 * evaluates each new version on the {@value #POOL} worker pool (never on the event loop), records
 * the evaluation in the registry and produces an {@link EvaluationReportMessage} to {@code
 * lethe.evaluations}, keyed by model id, with the result's correlation id.
 *
 * <p><b>At least once.</b> The handler's future completes only when the report is acked, so the
 * result's offset is committed only after the report is durable. A redelivered result finds the
 * version's (write-once) evaluation in the registry and re-announces it.
 *
 * <p><b>What is skipped.</b> Failure results carry no version: they are counted and committed. A
 * result that can never be evaluated (version missing, nothing forgotten, dataset gone or changed)
 * is logged, counted as an error and committed, so it does not block the partition. Only a
 * transient registry failure or a failure to produce the report fails the handler, so the result is
 * retried.
 */
public final class Evaluator implements Component {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  /** The worker pool evaluations run on. */
  public static final String POOL = "lethe-evaluation";

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final EvaluatorSettings settings;
  private final EvaluatorMetrics metrics;
  private final MessageCodec codec = new MessageCodec();
  private final Clock clock = Clock.systemUTC();

  private WorkerExecutor pool;
  private ContractProducer producer;
  private ContractConsumer<UnlearningResult> consumer;
  private VersionEvaluation evaluation;

  /**
   * @param kafka brokers and consumer group (normally {@code lethe-evaluator})
   * @param settings the registry, pool size, evaluation settings and gates
   * @param metrics meters of stage {@code evaluator}, exported on {@code /metrics}
   */
  public Evaluator(Vertx vertx, KafkaSettings kafka, EvaluatorSettings settings, Metrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = new EvaluatorMetrics(Objects.requireNonNull(metrics, "metrics"));
  }

  /** Connects to the registry (creating the bucket if needed), then Kafka; ready when assigned. */
  @Override
  public Future<Void> start() {
    pool = vertx.createSharedWorkerExecutor(POOL, settings.threads(), 6, TimeUnit.HOURS);
    producer = new ContractProducer(vertx, kafka, codec);
    return pool.executeBlocking(
            () ->
                new VersionEvaluation(
                    new ModelStore(settings.s3()),
                    new DatasetStore(settings.datasetS3()),
                    settings,
                    clock))
        .compose(
            e -> {
              evaluation = e;
              return producer.start();
            })
        .compose(
            v -> {
              consumer =
                  new ContractConsumer<>(
                          vertx,
                          kafka,
                          codec,
                          producer,
                          Topics.UNLEARNING_RESULTS,
                          UnlearningResult.class,
                          this::handle)
                      .optMetrics(metrics.metrics());
              return consumer.start();
            })
        .onSuccess(
            v ->
                LOG.info(
                    "evaluator ready: group {}, registry {}, gates forgetting score <= {}, NoMUS"
                        + " drop <= {}",
                    kafka.groupId(),
                    settings.s3(),
                    settings.maxForgettingScore(),
                    settings.maxNomusDrop()));
  }

  @Override
  public Future<Void> stop() {
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.stop();
    return c.eventually(() -> producer == null ? Future.succeededFuture() : producer.stop())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<Void> handle(Delivery<UnlearningResult> delivery) {
    UnlearningResult result = delivery.value();
    if (result.status() != UnlearningResult.Status.SUCCEEDED || result.version() == null) {
      metrics.skippedFailures.increment();
      LOG.info(
          "result {} of {} is a failure ({}): nothing to evaluate",
          result.requestId(),
          result.modelId(),
          result.error());
      return Future.succeededFuture();
    }
    String correlationId = delivery.correlationId().orElse(result.correlationId());
    String modelId = result.modelId();
    int version = result.version();
    long startNanos = System.nanoTime();
    return pool.<VersionEvaluation.Outcome>executeBlocking(
            () -> evaluation.run(result.requestId(), correlationId, modelId, version), false)
        .compose(
            outcome -> {
              EvaluationReportMessage report = outcome.report();
              return producer
                  .send(Contract.EVALUATION_REPORT, modelId, report, correlationId)
                  .map(
                      metadata -> {
                        if (!outcome.reused()) {
                          (report.passed() ? metrics.passed : metrics.failed).increment();
                          metrics.recordDuration(Duration.ofNanos(System.nanoTime() - startNanos));
                        }
                        metrics.latest(modelId, report.nomus(), report.forgettingScore());
                        LOG.info(
                            "{} v{} {}: test {} MIA {} forgetting {} NoMUS {}{}, report at {}-{}@{}",
                            modelId,
                            version,
                            report.passed() ? "passed" : "failed its gates",
                            report.testAccuracy(),
                            report.mia().accuracy(),
                            report.forgettingScore(),
                            report.nomus(),
                            outcome.parent() == null
                                ? ""
                                : " (parent " + outcome.parent().nomus() + ")",
                            metadata.topic(),
                            metadata.partition(),
                            metadata.offset());
                        return (Void) null;
                      });
            },
            failure -> {
              if (transientFailure(failure)) {
                LOG.warn(
                    "evaluating {} v{} failed, will retry: {}",
                    modelId,
                    version,
                    failure.toString());
                return Future.failedFuture(failure);
              }
              metrics.errors.increment();
              LOG.error(
                  "{} v{} (result {}) cannot be evaluated, skipping it: {}",
                  modelId,
                  version,
                  result.requestId(),
                  failure.toString(),
                  failure);
              return Future.succeededFuture();
            });
  }

  /** A registry failure other than a missing or corrupt object: worth retrying. */
  private static boolean transientFailure(Throwable failure) {
    return failure instanceof StoreException
        && !(failure instanceof NotFoundException)
        && !(failure instanceof io.lethe.registry.store.CorruptObjectException);
  }
}
