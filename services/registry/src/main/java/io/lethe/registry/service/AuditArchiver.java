package io.lethe.registry.service;

import io.lethe.api.AuditEvent;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.RequestState;
import io.lethe.api.UnlearningResult;
import io.lethe.registry.store.AuditLog;
import io.lethe.registry.store.StoreUnavailableException;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.failure.FailureClassifier;
import io.lethe.service.health.Health;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.Delivery;
import io.lethe.service.kafka.LedgerTopic;
import io.lethe.service.kafka.TopicSnapshot;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Copies every state change of every request into the audit log: the intake's ledger ({@code
 * lethe.intake-ledger}, also fed to the {@link RequestSli}), the workers' results (also passed on,
 * see the constructor) and the evaluator's reports, each read by its own consumer in group {@code
 * <registry group>-audit}. A record's offset is committed only after its entry is in S3; while S3
 * is down the record is retried, not dead-lettered. The ledger is compacted, but no record is
 * compacted away before {@link LedgerTopic#MIN_COMPACTION_LAG}, so an archiver down for less than
 * that misses no state.
 */
final class AuditArchiver implements Component {
  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final MessageCodec codec;
  private final ContractProducer deadLetters;
  private final WorkerExecutor pool;
  private final AuditLog log;
  private final Metrics metrics;
  private final Topics topics;
  private final RequestSli sli;
  private final java.util.function.Consumer<UnlearningResult> results;
  private final List<ContractConsumer<?>> consumers = new ArrayList<>();

  /** The topics read (tests isolate their runs with their own). */
  record Topics(String ledger, String results, String evaluations) {
    static Topics standard() {
      return new Topics(
          io.lethe.api.Topics.INTAKE_LEDGER,
          io.lethe.api.Topics.UNLEARNING_RESULTS,
          io.lethe.api.Topics.EVALUATIONS);
    }
  }

  /**
   * @param sli told every ledger state
   * @param results told every archived worker result, after its entry is written (the registry
   *     passes them to {@link RequestSli#onResult})
   */
  AuditArchiver(
      Vertx vertx,
      KafkaSettings kafka,
      MessageCodec codec,
      ContractProducer deadLetters,
      WorkerExecutor pool,
      AuditLog log,
      Metrics metrics,
      Topics topics,
      RequestSli sli,
      java.util.function.Consumer<UnlearningResult> results) {
    this.sli = Objects.requireNonNull(sli, "sli");
    this.results = Objects.requireNonNull(results, "results");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.kafka = kafka.withGroupId(kafka.groupId() + "-audit");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.log = Objects.requireNonNull(log, "log");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.topics = Objects.requireNonNull(topics, "topics");
  }

  /**
   * Creates the ledger topic if the intake has not yet, reads it whole into the SLI (its open
   * requests survive a restart), then starts the three consumers.
   */
  @Override
  public Future<Void> start() {
    return pool.<Void>executeBlocking(
            () -> {
              LedgerTopic.ensure(kafka, topics.ledger(), Duration.ofSeconds(30));
              TopicSnapshot.read(
                  kafka,
                  topics.ledger(),
                  codec,
                  RequestState.class,
                  sli::onState,
                  Duration.ofMinutes(5));
              return null;
            },
            false)
        .compose(
            v ->
                Future.all(
                        List.of(
                            consumer(
                                topics.ledger(), RequestState.class, RecordAudit::of, sli::onState),
                            consumer(
                                topics.results(), UnlearningResult.class, RecordAudit::of, results),
                            consumer(
                                topics.evaluations(),
                                EvaluationReportMessage.class,
                                RecordAudit::of,
                                e -> {})))
                    .mapEmpty());
  }

  private <T extends Record> Future<Void> consumer(
      String topic,
      Class<T> type,
      Function<T, AuditEvent> toEvent,
      java.util.function.Consumer<T> observed) {
    ContractConsumer<T> c =
        new ContractConsumer<>(
                vertx,
                kafka,
                codec,
                deadLetters,
                topic,
                type,
                (Delivery<T> d) ->
                    pool.<Void>executeBlocking(
                        () -> {
                          log.append(toEvent.apply(d.value()));
                          observed.accept(d.value());
                          return null;
                        },
                        false))
            .optFailureClassifier(
                FailureClassifier.defaults()
                    .orTransientIfInstanceOf(StoreUnavailableException.class));
    // Its lag and dead letters are exported per topic: the evaluations topic's are the automatic
    // promotion's already (one series per topic and stage), so this group's go unexported there.
    if (!topic.equals(topics.evaluations())) {
      c.optMetrics(metrics);
    }
    consumers.add(c);
    return c.start();
  }

  @Override
  public Future<Void> stop() {
    return Future.join(consumers.stream().map(ContractConsumer::stop).toList()).mapEmpty();
  }

  /** Ready when every consumer is. */
  Health health() {
    if (consumers.isEmpty()) {
      return Health.notReady("audit", "not started");
    }
    return consumers.stream().map(ContractConsumer::health).reduce(Health.UP, Health::and);
  }
}
