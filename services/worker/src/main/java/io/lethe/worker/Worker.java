package io.lethe.worker;

import io.lethe.api.Contract;
import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.EngineRuntime;
import io.lethe.engine.unlearn.dlfd.Dlfd;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unlearning stage: consumes {@code lethe.forget-requests} in group {@code lethe-worker}, runs
 * each request on the named, sized {@value #POOL} worker pool (never on the event loop: a DLFD run
 * takes seconds to hours), reports progress to {@code lethe.job-progress}, stores the new version
 * in the registry and produces an {@link UnlearningResult} to {@code lethe.unlearning-results}.
 *
 * <p>The consume → pool → produce → commit loop is a {@link Stage}; this class is the job.
 *
 * <p><b>At least once, never lost.</b> The request's offset is committed only after the result is
 * acknowledged by the broker. A redelivered or retried request (crash after storing, before
 * committing) finds its version in the registry by request id and re-announces it instead of
 * unlearning twice.
 *
 * <p><b>Failures are results, outages are waited out.</b> A request that cannot be served (unknown
 * model or version, unsupported hyperparameters, unknown subjects, another dataset) produces a
 * {@code failed} result and its offset is committed: retrying it would fail the same way and block
 * the partition. A transient failure ({@link #FAILURES}: the registry unreachable, a connection
 * refused anywhere in the cause chain, a timeout) produces no result: the request is retried with
 * backoff ({@link #optRetry}), counted in {@code lethe_worker_jobs_retried_total}, and readiness
 * turns 503 while it lasts (see {@code ContractConsumer#health()}).
 *
 * <p><b>Device.</b> Every job runs on {@link WorkerSettings#device()}; results of jobs this worker
 * ran say so ({@code device}), and {@code lethe_worker_device_info{device}} is 1 for it. A result
 * re-announcing a version made earlier carries no device: it may have been made elsewhere.
 */
public final class Worker implements Component, HealthReporting {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  /** The worker pool DLFD and retraining run on. */
  public static final String POOL = "lethe-unlearning";

  /**
   * An S3 outage is waited out, not hammered: 5 s doubling to 60 s, jitter 0.5, given up on (and
   * dead-lettered) after 24 h; see {@link RetrySettings} for why a day.
   */
  static final RetrySettings DEFAULT_RETRY =
      new RetrySettings(Duration.ofSeconds(5), Duration.ofSeconds(60), 0.5, Duration.ofHours(24));

  /** Transient: the default outages plus an unreachable registry. */
  static final FailureClassifier FAILURES =
      FailureClassifier.defaults().orTransientIfInstanceOf(StoreUnavailableException.class);

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final WorkerSettings settings;
  private final WorkerMetrics metrics;
  private final Clock clock = Clock.systemUTC();
  private Duration progressInterval = Duration.ofSeconds(1);
  private Duration transientStreakLimit;
  private RetrySettings retry = DEFAULT_RETRY;

  private Stage<ForgetRequest, UnlearningResult> stage;
  private volatile UnlearningJob job;
  private volatile ScratchSpace scratch;

  /**
   * @param kafka brokers and consumer group (normally {@code lethe-worker})
   * @param settings the registry and the pool size
   * @param metrics meters of stage {@code worker}, exported on {@code /metrics}
   */
  public Worker(Vertx vertx, KafkaSettings kafka, WorkerSettings settings, Metrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = new WorkerMetrics(Objects.requireNonNull(metrics, "metrics"));
    this.metrics.device(settings.device().name());
  }

  /** At most one progress record per interval during a stage (default 1 s); starts/ends always. */
  public Worker optProgressInterval(Duration interval) {
    this.progressInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** How a request that fails transiently (S3 down) is retried (default {@link #DEFAULT_RETRY}). */
  public Worker optRetry(RetrySettings retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /**
   * How long a request may keep failing transiently before readiness goes down (default: the
   * consumer's, 2 min): the time after which an outage of S3 pages someone.
   */
  public Worker optTransientStreakLimit(Duration limit) {
    this.transientStreakLimit = Objects.requireNonNull(limit, "limit");
    return this;
  }

  /** Connects to the registry (creating the bucket if needed), then Kafka; ready when assigned. */
  @Override
  public Future<Void> start() {
    stage =
        new Stage<ForgetRequest, UnlearningResult>(
                vertx,
                kafka,
                metrics.metrics(),
                Topics.FORGET_REQUESTS,
                ForgetRequest.class,
                POOL,
                settings.jobThreads(),
                Job::new)
            // Long jobs are expected on this pool: no blocked-thread warnings below a day.
            .optMaxExecuteTime(Duration.ofHours(24))
            .optRetry(retry)
            .optConsumer(
                c -> {
                  if (transientStreakLimit != null) {
                    c.optTransientStreakLimit(transientStreakLimit);
                  }
                })
            .optFailureClassifier(FAILURES)
            // Counts real retries: each time the consumer calls the job again.
            .optRetryListener((delivery, attempt, failure, delay) -> metrics.retried.increment())
            .optSetup(
                () -> {
                  ModelStore store =
                      ModelStore.builder(settings.s3())
                          .optUploadListener(metrics.checkpointUploads())
                          .build();
                  DatasetStore datasets = new DatasetStore(settings.datasetS3());
                  // Last, so a set-up retried after an S3 outage opens no second directory.
                  scratch = ScratchSpace.open(settings.scratchDir());
                  System.setProperty(EngineRuntime.TEMP_DIR, scratch.dir().toString());
                  job =
                      new UnlearningJob(store, datasets)
                          .optLimits(settings.hyperparameterLimits())
                          .optTimeBudget(settings.jobTimeout())
                          .optAbandonAfter(settings.abandonedVersionGrace())
                          .optDevice(settings.device());
                  return null;
                });
    return stage
        .start()
        .onSuccess(
            v -> LOG.info("worker ready: group {}, registry {}", kafka.groupId(), settings.s3()));
  }

  /** Stops consuming, then deletes this process's scratch directory (jobs have ended). */
  @Override
  public Future<Void> stop() {
    Future<Void> stopped = stage == null ? Future.succeededFuture() : stage.stop();
    return stopped.eventually(
        () -> {
          ScratchSpace s = scratch;
          if (s == null) {
            return Future.succeededFuture();
          }
          scratch = null;
          System.getProperties().remove(EngineRuntime.TEMP_DIR, s.dir().toString());
          return vertx.executeBlocking(
              () -> {
                s.close();
                return null;
              });
        });
  }

  @Override
  public Health health() {
    return stage == null ? Health.notReady("worker", "not started") : stage.health();
  }

  /** One forget request: unlearn (or find it already done), then announce the result. */
  private final class Job implements StageJob<UnlearningResult> {
    private final ForgetRequest request;
    // The header is the trace (schemas/README.md); the body's copy is the fallback.
    private final String correlationId;
    private final long startNanos = System.nanoTime();
    private final WorkerMetrics.ScoreGauge gauge;
    private final JobProgressReporter progress;

    Job(Delivery<ForgetRequest> delivery) {
      request = delivery.value();
      correlationId = delivery.correlationId().orElse(request.correlationId());
      metrics.started.increment();
      LOG.info(
          "job {} ({} v{}, {}, {} subjects) started",
          request.requestId(),
          request.modelId(),
          request.baseVersion(),
          request.method(),
          request.subjectIds().size());
      gauge = metrics.new ScoreGauge(request.requestId(), request.modelId());
      progress =
          new JobProgressReporter(
              request,
              correlationId,
              p -> sendProgress(p, correlationId),
              (stage, score) -> {
                if (Dlfd.STAGE.equals(stage)) {
                  metrics.dlfdBatches.increment();
                }
                gauge.set(score);
              },
              clock,
              System::nanoTime,
              progressInterval);
    }

    @Override
    public Output<UnlearningResult> run() throws Exception {
      Optional<UnlearningJob.Outcome> earlier = job.alreadyDone(request);
      if (earlier.isPresent()) {
        LOG.info(
            "job {} was already done ({} v{}): re-announcing it",
            request.requestId(),
            earlier.get().madeNew() ? "made" : "honoured by existing",
            earlier.get().version().version());
      }
      UnlearningJob.Outcome done = earlier.isPresent() ? earlier.get() : job.run(request, progress);
      return output(
          UnlearningResults.succeeded(
              request,
              done,
              correlationId,
              seconds(startNanos),
              earlier.isPresent() ? null : settings.device().name(),
              now()));
    }

    @Override
    public Output<UnlearningResult> failed(Throwable failure) {
      LOG.warn("job {} failed: {}", request.requestId(), failure.toString(), failure);
      return output(
          UnlearningResults.failed(
              request,
              failure,
              correlationId,
              seconds(startNanos),
              settings.device().name(),
              now()));
    }

    @Override
    public void failedTransiently(Throwable failure) {
      // S3 is down or overloaded: no result, the consumer calls the job again after a backoff
      // and alreadyDone() keeps the retry idempotent.
      LOG.warn(
          "job {} hit a transient failure, will be retried: {}",
          request.requestId(),
          failure.toString());
    }

    private Output<UnlearningResult> output(UnlearningResult result) {
      boolean ok = result.status() == UnlearningResult.Status.SUCCEEDED;
      progress.stage(ok ? JobProgress.Stage.DONE : JobProgress.Stage.FAILED, 1, 1);
      return new Output<>(Contract.UNLEARNING_RESULT, request.modelId(), result, correlationId);
    }

    @Override
    public void produced(Output<UnlearningResult> output, Produced metadata) {
      UnlearningResult result = output.record();
      boolean ok = result.status() == UnlearningResult.Status.SUCCEEDED;
      (ok ? metrics.succeeded : metrics.failed).increment();
      boolean existing = result.honouredBy() == UnlearningResult.HonouredBy.EXISTING_VERSION;
      if (existing) {
        metrics.alreadyForgotten.increment();
      }
      metrics.recordGuard(result.guard());
      metrics.recordDuration(ok, Duration.ofNanos(System.nanoTime() - startNanos));
      LOG.info(
          "job {} {} ({}), result at {}-{}@{}",
          request.requestId(),
          result.status(),
          ok ? (existing ? "already forgotten by v" : "v") + result.version() : result.error(),
          metadata.topic(),
          metadata.partition(),
          metadata.offset());
    }

    @Override
    public void finished() {
      gauge.close();
    }
  }

  private void sendProgress(JobProgress p, String correlationId) {
    stage
        .producer()
        .send(Contract.JOB_PROGRESS, p.requestId(), p, correlationId)
        .onFailure(
            e ->
                LOG.warn(
                    "progress of {} not sent (it is advisory): {}", p.requestId(), e.toString()));
  }

  /** Whether {@code failure} (or a cause) is an outage worth waiting out rather than a verdict. */
  static boolean isTransient(Throwable failure) {
    return FAILURES.isTransient(failure);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
