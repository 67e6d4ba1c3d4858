package io.lethe.worker;

import io.lethe.api.Contract;
import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.JobProgress.Stage;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.StoreUnavailableException;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unlearning stage: consumes {@code lethe.forget-requests} in group {@code lethe-worker}, runs
 * each request on the named, sized {@value #POOL} worker pool (never on the event loop: a DLFD run
 * takes seconds to hours), reports progress to {@code lethe.job-progress}, stores the new version
 * in the registry and produces an {@link UnlearningResult} to {@code lethe.unlearning-results}.
 *
 * <p><b>At least once, never lost.</b> The handler's future completes only when the result has been
 * acknowledged by the broker, so the {@link ContractConsumer} commits the request's offset only
 * after the result is durable. A redelivered request (crash after storing, before committing) finds
 * its version in the registry by request id and re-announces it instead of unlearning twice.
 *
 * <p><b>Failures are results.</b> A request that cannot be served (unknown model or version,
 * unsupported hyperparameters, unknown subjects, another dataset) produces a {@code failed} result
 * and its offset is committed: retrying it would fail the same way and block the partition. Only a
 * failure to produce the result itself fails the handler, so the consumer retries the request.
 */
public final class Worker implements Component {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  /** The worker pool DLFD and retraining run on. */
  public static final String POOL = "lethe-unlearning";

  private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final WorkerSettings settings;
  private final WorkerMetrics metrics;
  private final MessageCodec codec = new MessageCodec();
  private final Clock clock = Clock.systemUTC();
  private Duration progressInterval = Duration.ofSeconds(1);

  private WorkerExecutor pool;
  private ContractProducer producer;
  private ContractConsumer<ForgetRequest> consumer;
  private UnlearningJob job;

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
  }

  /** At most one progress record per interval during a stage (default 1 s); starts/ends always. */
  public Worker optProgressInterval(Duration interval) {
    this.progressInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** Connects to the registry (creating the bucket if needed), then Kafka; ready when assigned. */
  @Override
  public Future<Void> start() {
    // Long jobs are expected on this pool: no blocked-thread warnings below a day.
    pool = vertx.createSharedWorkerExecutor(POOL, settings.jobThreads(), 24, TimeUnit.HOURS);
    producer = new ContractProducer(vertx, kafka, codec);
    return pool.executeBlocking(
            () -> {
              ModelStore store =
                  ModelStore.builder(settings.s3())
                      .optUploadListener(metrics.checkpointUploads())
                      .build();
              Path scratch = Files.createTempDirectory("lethe-worker-");
              return new UnlearningJob(store, new DatasetStore(settings.datasetS3()), scratch)
                  .optLimits(settings.hyperparameterLimits())
                  .optTimeBudget(settings.jobTimeout())
                  .optAbandonAfter(settings.abandonedVersionGrace());
            })
        .compose(
            j -> {
              job = j;
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
                          Topics.FORGET_REQUESTS,
                          ForgetRequest.class,
                          this::handle)
                      .optMetrics(metrics.metrics())
                      // An S3 outage is waited out, not hammered.
                      .optRetryDelay(RETRY_DELAY);
              return consumer.start();
            })
        .onSuccess(
            v -> LOG.info("worker ready: group {}, registry {}", kafka.groupId(), settings.s3()));
  }

  @Override
  public Future<Void> stop() {
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.stop();
    return c.eventually(() -> producer == null ? Future.succeededFuture() : producer.stop())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<Void> handle(Delivery<ForgetRequest> delivery) {
    ForgetRequest request = delivery.value();
    // The header is the trace (schemas/README.md); the body's copy is the fallback.
    String correlationId = delivery.correlationId().orElse(request.correlationId());
    long startNanos = System.nanoTime();
    metrics.started.increment();
    LOG.info(
        "job {} ({} v{}, {}, {} subjects) started",
        request.requestId(),
        request.modelId(),
        request.baseVersion(),
        request.method(),
        request.subjectIds().size());
    WorkerMetrics.ScoreGauge gauge = metrics.new ScoreGauge(request.requestId(), request.modelId());
    JobProgressReporter progress =
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
    Future<UnlearningResult> outcome =
        pool.<UnlearningResult>executeBlocking(
                () -> {
                  Optional<ModelVersionManifest> earlier = job.alreadyDone(request);
                  if (earlier.isPresent()) {
                    LOG.info(
                        "job {} was already done as v{}: re-announcing it",
                        request.requestId(),
                        earlier.get().version());
                  }
                  ModelVersionManifest made =
                      earlier.isPresent() ? earlier.get() : job.run(request, progress);
                  return succeeded(request, made, correlationId, seconds(startNanos));
                },
                false)
            .recover(
                failure -> {
                  if (isTransient(failure)) {
                    // S3 is down or overloaded: no result, the consumer redelivers the request
                    // after its retry delay and alreadyDone() keeps the retry idempotent.
                    metrics.retried.increment();
                    LOG.warn(
                        "job {} hit a transient failure, will be retried: {}",
                        request.requestId(),
                        failure.toString());
                    return Future.failedFuture(failure);
                  }
                  LOG.warn("job {} failed: {}", request.requestId(), failure.toString(), failure);
                  return Future.succeededFuture(
                      failed(request, failure, correlationId, seconds(startNanos)));
                });
    return outcome
        .compose(
            result -> {
              boolean ok = result.status() == UnlearningResult.Status.SUCCEEDED;
              progress.stage(ok ? Stage.DONE : Stage.FAILED, 1, 1);
              return producer
                  .send(Contract.UNLEARNING_RESULT, request.modelId(), result, correlationId)
                  .map(
                      metadata -> {
                        (ok ? metrics.succeeded : metrics.failed).increment();
                        metrics.recordDuration(
                            ok, Duration.ofNanos(System.nanoTime() - startNanos));
                        LOG.info(
                            "job {} {} ({}), result at {}-{}@{}",
                            request.requestId(),
                            result.status(),
                            ok ? "v" + result.version() : result.error(),
                            metadata.topic(),
                            metadata.partition(),
                            metadata.offset());
                        return (Void) null;
                      });
            })
        .onComplete(ar -> gauge.close());
  }

  private void sendProgress(JobProgress p, String correlationId) {
    producer
        .send(Contract.JOB_PROGRESS, p.requestId(), p, correlationId)
        .onFailure(
            e ->
                LOG.warn(
                    "progress of {} not sent (it is advisory): {}", p.requestId(), e.toString()));
  }

  private UnlearningResult succeeded(
      ForgetRequest r, ModelVersionManifest m, String correlationId, double seconds) {
    ModelVersionManifest.StoredObject parameters =
        m.objects().stream()
            .filter(o -> o.key().equals(Checkpoints.PARAMETERS_FILE))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "manifest of "
                            + m.modelId()
                            + " v"
                            + m.version()
                            + " lists no parameters"));
    return new UnlearningResult(
        r.requestId(),
        correlationId,
        r.modelId(),
        m.parentVersion() == null ? r.baseVersion() : m.parentVersion(), // newer base if rebased
        m.version(),
        r.method(),
        UnlearningResult.Status.SUCCEEDED,
        new UnlearningResult.Checkpoint(m.checkpointUri(), parameters.sha256(), parameters.bytes()),
        seconds,
        null,
        clock.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  private UnlearningResult failed(
      ForgetRequest r, Throwable failure, String correlationId, double seconds) {
    String message = failure.getMessage();
    String error =
        failure.getClass().getSimpleName()
            + (message == null || message.isBlank() ? "" : ": " + message);
    if (error.length() > 4000) {
      error = error.substring(0, 3997) + "...";
    }
    return new UnlearningResult(
        r.requestId(),
        correlationId,
        r.modelId(),
        r.baseVersion(),
        null,
        r.method(),
        UnlearningResult.Status.FAILED,
        null,
        seconds,
        error,
        clock.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  /** Whether {@code failure} (or a cause) is an outage worth waiting out rather than a verdict. */
  static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
    }
    return false;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
