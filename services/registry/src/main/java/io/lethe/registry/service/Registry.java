package io.lethe.registry.service;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.registry.store.AuditLog;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.PurgeSchedule;
import io.lethe.registry.store.StoreUnavailableException;
import io.lethe.service.Component;
import io.lethe.service.auth.BearerAuth;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.metrics.HttpEndpoint;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry service: the HTTP API over the model registry ({@link RegistryApi}) and automatic
 * promotion from {@code lethe.evaluations} ({@link AutoPromoter}, group {@code lethe-registry}).
 * Every S3 call runs on the {@value #POOL} worker pool, never on the event loop.
 *
 * <p>Kafka is used only to read: the producer exists because the consumer dead-letters records that
 * break evaluation-report.v1. The consumer commits a report's offset only after its promotion (or
 * its skip) is settled, and a redelivered report never adds a second history entry (see {@link
 * PromotionRule}).
 */
public final class Registry implements Component, HealthReporting {
  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  /** The worker pool every registry (S3) call runs on. */
  public static final String POOL = "lethe-registry-io";

  private final Vertx vertx;
  private final RegistrySettings settings;
  private final Metrics metrics;
  private final RegistryMetrics meters;
  private final MessageCodec codec = new MessageCodec();
  private String evaluationsTopic = Topics.EVALUATIONS;

  private WorkerExecutor pool;
  private ModelStore store;
  private AliasMoves aliases;
  private HttpEndpoint api;
  private ContractProducer producer;
  private volatile ContractConsumer<EvaluationReportMessage> consumer;
  private volatile boolean ready;
  private volatile boolean stopping;
  private AuditLog auditLog;
  private ErasureSweep erasure;
  private AuditArchiver archiver;
  private AuditArchiver.Topics auditTopics;
  private long sweepTimer = -1;
  private final AtomicBoolean sweepRequested = new AtomicBoolean();
  private final RequestSli sli;

  /**
   * @param metrics meters of stage {@code registry}; the API port serves them on {@code /metrics}
   *     too
   */
  public Registry(Vertx vertx, RegistrySettings settings, Metrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.meters = new RegistryMetrics(metrics);
    this.sli = new RequestSli(metrics, Clock.systemUTC());
  }

  /** Another topic than {@code lethe.evaluations} (tests isolate their runs this way). */
  public Registry optEvaluationsTopic(String topic) {
    this.evaluationsTopic = Objects.requireNonNull(topic, "topic");
    return this;
  }

  /**
   * Other topics for the audit log's sources than the standard ones (tests isolate their runs this
   * way).
   */
  public Registry optAuditTopics(String ledger, String results, String evaluations) {
    this.auditTopics = new AuditArchiver.Topics(ledger, results, evaluations);
    return this;
  }

  /** Registry (bucket created if missing), then the API, then Kafka: ready when all are up. */
  @Override
  public Future<Void> start() {
    pool = vertx.createSharedWorkerExecutor(POOL, settings.ioThreads(), 5, TimeUnit.MINUTES);
    return pool.executeBlocking(
            () -> {
              store = new ModelStore(settings.s3());
              auditLog = new AuditLog(settings.s3());
              AliasAudit aliasAudit = new AliasAudit(auditLog);
              erasure =
                  new ErasureSweep(
                      store,
                      new DatasetStore(settings.s3()),
                      new PurgeSchedule(settings.s3()),
                      auditLog,
                      aliasAudit,
                      settings.alias(),
                      settings.erasure(),
                      meters,
                      Clock.systemUTC());
              aliases =
                  new AliasMoves(
                      store,
                      meters,
                      settings.alias(),
                      aliasAudit,
                      (history, lineage) -> {
                        sli.onMove(history, settings.alias(), lineage);
                        sweepSoon();
                      });
              return null;
            },
            false)
        .compose(
            s -> {
              api =
                  new HttpEndpoint(vertx, settings.api(), metrics.registry())
                      .optReadiness(() -> ready)
                      .optHealth("component", this::health);
              new RegistryApi(
                      store,
                      pool,
                      aliases,
                      erasure,
                      new ComplianceReports(store, auditLog, settings.alias(), Clock.systemUTC()),
                      settings.alias(),
                      meters,
                      codec)
                  .mount(api.router(), new BearerAuth(settings.auth(), metrics));
              return api.start();
            })
        .compose(v -> startConsumer())
        .compose(v -> startArchiver())
        .onSuccess(v -> startSweeps())
        .compose(v -> publishAliasGauges())
        .onSuccess(
            v -> {
              ready = true;
              LOG.info(
                  "registry ready: API on {}:{}, bucket {}, alias {}, automatic promotion {}",
                  settings.api().host(),
                  api.actualPort(),
                  settings.s3().bucket(),
                  settings.alias(),
                  settings.autoPromote() ? "on" : "off");
            });
  }

  private Future<Void> startConsumer() {
    producer = new ContractProducer(vertx, settings.kafka(), codec).optMetrics(metrics);
    AutoPromoter promoter =
        new AutoPromoter(
            pool, aliases, new PromotionRule(settings.autoPromote()), settings.alias(), meters);
    consumer =
        new ContractConsumer<>(
                vertx,
                settings.kafka(),
                codec,
                producer,
                evaluationsTopic,
                EvaluationReportMessage.class,
                promoter::handle)
            .optMetrics(metrics)
            // A report is retried while the registry is unreachable, not dead-lettered.
            .optFailureClassifier(
                FailureClassifier.defaults()
                    .orTransientIfInstanceOf(StoreUnavailableException.class));
    return producer.start().compose(v -> consumer.start());
  }

  private Future<Void> startArchiver() {
    AuditArchiver.Topics topics =
        auditTopics != null
            ? auditTopics
            : new AuditArchiver.Topics(
                Topics.INTAKE_LEDGER, Topics.UNLEARNING_RESULTS, evaluationsTopic);
    archiver =
        new AuditArchiver(
            vertx,
            settings.kafka(),
            codec,
            producer,
            pool,
            auditLog,
            metrics,
            topics,
            sli,
            r -> sli.onResult(r, store, settings.alias()));
    return archiver
        .start()
        .compose(
            v ->
                pool.<Void>executeBlocking(
                    () -> {
                      sli.reconcile(store, settings.alias());
                      return null;
                    },
                    false));
  }

  /** The erasure sweep: now, every interval, and after every alias move. */
  private void startSweeps() {
    sweepTimer =
        vertx.setPeriodic(1, settings.erasure().sweepInterval().toMillis(), id -> sweepSoon());
  }

  /** Runs a sweep on the pool unless one is running; one more runs after it if asked meanwhile. */
  private void sweepSoon() {
    if (!sweepRequested.compareAndSet(false, true) || stopping) {
      return;
    }
    pool.<ErasureSweep.Outcome>executeBlocking(
            () -> {
              sweepRequested.set(false);
              ErasureSweep.Outcome outcome = erasure.sweep();
              sli.reconcile(store, settings.alias());
              return outcome;
            },
            true)
        .onComplete(
            r -> {
              meters.sweep(r.succeeded()).increment();
              if (r.failed()) {
                LOG.warn("erasure sweep failed, the next one retries: {}", r.cause().toString());
              }
            });
  }

  /** The alias gauge starts from the registry's state, not from the first move after a restart. */
  private Future<Void> publishAliasGauges() {
    return pool.<Void>executeBlocking(
            () -> {
              for (String modelId : store.models()) {
                store
                    .aliasHistory(modelId, settings.alias())
                    .ifPresent(h -> meters.aliasVersion(modelId, settings.alias(), h.current()));
              }
              return null;
            },
            false)
        .recover(
            e -> {
              // Not worth failing start-up for: the gauges fill in as aliases move.
              LOG.warn("could not read the current aliases for the gauges: {}", e.toString());
              return Future.succeededFuture();
            });
  }

  /** Stops reading reports, then the API, then closes the producer and the pool. */
  @Override
  public Future<Void> stop() {
    ready = false;
    stopping = true;
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    Future<Void> c =
        (consumer == null ? Future.<Void>succeededFuture() : consumer.stop())
            .eventually(() -> archiver == null ? Future.succeededFuture() : archiver.stop());
    return c.eventually(() -> api == null ? Future.succeededFuture() : api.stop())
        .eventually(() -> producer == null ? Future.succeededFuture() : producer.stop())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The evaluation-report consumer's health (also on the API port's {@code /health/*}). */
  @Override
  public Health health() {
    ContractConsumer<EvaluationReportMessage> c = consumer;
    AuditArchiver a = archiver;
    if (c == null || a == null) {
      return Health.notReady("registry", "not started");
    }
    return c.health().and(a.health());
  }

  /** The API's router, once started (the auth test enumerates its routes). */
  io.vertx.ext.web.Router apiRouter() {
    return api.router();
  }

  /** The bound API port (the real one when configured with 0); -1 before start. */
  public int apiPort() {
    return api == null ? -1 : api.actualPort();
  }
}
