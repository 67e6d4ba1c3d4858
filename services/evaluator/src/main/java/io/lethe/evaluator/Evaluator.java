package io.lethe.evaluator;

import io.lethe.api.Contract;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.StoreUnavailableException;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.config.RetrySettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.metrics.Metrics;
import io.lethe.service.stage.Output;
import io.lethe.service.stage.Produced;
import io.lethe.service.stage.Stage;
import io.lethe.service.stage.StageJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation stage: consumes {@code lethe.unlearning-results} in group {@code lethe-evaluator},
 * evaluates each new version on the {@value #POOL} worker pool (never on the event loop), records
 * the evaluation in the registry and produces an {@link EvaluationReportMessage} to {@code
 * lethe.evaluations}, keyed by model id, with the result's correlation id.
 *
 * <p>The consume → pool → produce → commit loop is a {@link Stage}; this class is the job.
 *
 * <p><b>At least once.</b> The result's offset is committed only after the report is durable. A
 * redelivered result finds the version's (write-once) evaluation in the registry and re-announces
 * it.
 *
 * <p><b>What is skipped.</b> Failure results carry no version: they are counted and committed. A
 * result honoured by an existing version ({@code honouredBy: existing_version}) made none: it is
 * logged and committed (that version is evaluated for the request it was made for). A result that
 * can never be evaluated (version missing, nothing forgotten, dataset gone or changed) is logged,
 * counted as an error and committed, so it does not block the partition. A transient failure
 * ({@link #FAILURES}: the registry unreachable, a connection refused anywhere in the cause chain, a
 * timeout) or a failure to produce the report is retried with backoff ({@link #optRetry}): a
 * version is never skipped because S3 was down.
 */
public final class Evaluator implements Component, HealthReporting {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  /** The worker pool evaluations run on. */
  public static final String POOL = "lethe-evaluation";

  /** Transient: the default outages plus an unreachable registry. */
  static final FailureClassifier FAILURES =
      FailureClassifier.defaults().orTransientIfInstanceOf(StoreUnavailableException.class);

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final EvaluatorSettings settings;
  private final EvaluatorMetrics metrics;
  private final Clock clock = Clock.systemUTC();
  private RetrySettings retry = RetrySettings.DEFAULTS;

  private Stage<UnlearningResult, EvaluationReportMessage> stage;
  private volatile VersionEvaluation evaluation;

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

  /** How a result that fails transiently (S3 down) is retried (default {@link RetrySettings}). */
  public Evaluator optRetry(RetrySettings retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /** Connects to the registry (creating the bucket if needed), then Kafka; ready when assigned. */
  @Override
  public Future<Void> start() {
    stage =
        new Stage<UnlearningResult, EvaluationReportMessage>(
                vertx,
                kafka,
                metrics.metrics(),
                Topics.UNLEARNING_RESULTS,
                UnlearningResult.class,
                POOL,
                settings.threads(),
                Job::new)
            .optMaxExecuteTime(Duration.ofHours(6))
            .optRetry(retry)
            .optFailureClassifier(FAILURES)
            .optSetup(
                () -> {
                  evaluation =
                      new VersionEvaluation(
                          new ModelStore(settings.s3()),
                          new DatasetStore(settings.datasetS3()),
                          settings,
                          clock);
                  return null;
                });
    return stage
        .start()
        .onSuccess(
            v ->
                LOG.info(
                    "evaluator ready: group {}, registry {}, gates forgetting score <= {}, NoMUS"
                        + " drop <= {}, vs parent {}",
                    kafka.groupId(),
                    settings.s3(),
                    settings.maxForgettingScore(),
                    settings.maxNomusDrop(),
                    settings.noise()));
  }

  @Override
  public Future<Void> stop() {
    return stage == null ? Future.succeededFuture() : stage.stop();
  }

  @Override
  public Health health() {
    return stage == null ? Health.notReady("evaluator", "not started") : stage.health();
  }

  /** One unlearning result: evaluate its version (or find the evaluation), announce the report. */
  private final class Job implements StageJob<EvaluationReportMessage> {
    private final UnlearningResult result;
    private final String correlationId;
    private final String modelId;
    private final long startNanos = System.nanoTime();
    private volatile VersionEvaluation.Outcome outcome;

    Job(Delivery<UnlearningResult> delivery) {
      result = delivery.value();
      correlationId = delivery.correlationId().orElse(result.correlationId());
      modelId = result.modelId();
    }

    @Override
    public Output<EvaluationReportMessage> run() throws Exception {
      if (result.status() != UnlearningResult.Status.SUCCEEDED || result.version() == null) {
        metrics.skippedFailures.increment();
        LOG.info(
            "result {} of {} is a failure ({}): nothing to evaluate",
            result.requestId(),
            result.modelId(),
            result.error());
        return null;
      }
      if (!result.madeNewVersion()) {
        // The existing version is evaluated (or being evaluated) for the request it was made for.
        LOG.info(
            "result {} of {}: every subject was already forgotten by v{}, no version was made:"
                + " nothing to evaluate",
            result.requestId(),
            result.modelId(),
            result.version());
        return null;
      }
      outcome = evaluation.run(result.requestId(), correlationId, modelId, result.version());
      return new Output<>(Contract.EVALUATION_REPORT, modelId, outcome.report(), correlationId);
    }

    @Override
    public Output<EvaluationReportMessage> failed(Throwable failure) {
      metrics.errors.increment();
      LOG.error(
          "{} v{} (result {}) cannot be evaluated, skipping it: {}",
          modelId,
          result.version(),
          result.requestId(),
          failure.toString(),
          failure);
      return null;
    }

    @Override
    public void failedTransiently(Throwable failure) {
      LOG.warn(
          "evaluating {} v{} failed, will retry: {}",
          modelId,
          result.version(),
          failure.toString());
    }

    @Override
    public void produced(Output<EvaluationReportMessage> output, Produced metadata) {
      EvaluationReportMessage report = output.record();
      if (!outcome.reused()) {
        (report.passed() ? metrics.passed : metrics.failed).increment();
        metrics.recordDuration(Duration.ofNanos(System.nanoTime() - startNanos));
      }
      metrics.latest(modelId, report.nomus(), report.forgettingScore());
      LOG.info(
          "{} v{} {}: test {} MIA {} forgetting {} NoMUS {}{}, report at {}-{}@{}",
          modelId,
          result.version(),
          report.passed() ? "passed" : "failed its gates",
          report.testAccuracy(),
          report.mia().accuracy(),
          report.forgettingScore(),
          report.nomus(),
          outcome.parent() == null ? "" : " (parent " + outcome.parent().nomus() + ")",
          metadata.topic(),
          metadata.partition(),
          metadata.offset());
    }
  }
}
