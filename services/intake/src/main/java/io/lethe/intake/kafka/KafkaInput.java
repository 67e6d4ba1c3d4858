package io.lethe.intake.kafka;

import io.lethe.api.DeletionEvent;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.intake.core.DeletionIntake;
import io.lethe.intake.core.FailedJobs;
import io.lethe.intake.core.IntakeMetrics;
import io.lethe.service.Component;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.health.Health;
import io.lethe.service.kafka.ContractConsumer;
import io.lethe.service.kafka.ContractProducer;
import io.lethe.service.kafka.DeadLetterReason;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The intake's Kafka adapter: where a deletion enters from {@code lethe.deletion-events} (upstream
 * events, and those the HTTP adapter wrote there) and where failed jobs come back from {@code
 * lethe.unlearning-results}. Hands each record to the core ({@link DeletionIntake}, {@link
 * FailedJobs}) and commits it when the core's future completes; invalid records are dead-lettered
 * and counted as rejected.
 */
public final class KafkaInput implements Component {
  /** Events read but not yet covered by a sent request, per partition, before it is paused. */
  public static final int MAX_EVENTS_IN_FLIGHT = 50_000;

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final MessageCodec codec;
  private final ContractProducer producer;
  private final DeletionIntake intake;
  private final FailedJobs failedJobs;
  private final IntakeMetrics meters;
  private final Metrics metrics;
  private String deletionsTopic = Topics.DELETION_EVENTS;
  private String resultsTopic = Topics.UNLEARNING_RESULTS;
  private String deadLetterTopic = Topics.DEAD_LETTERS;
  private final Map<String, Object> overrides = new HashMap<>();
  private ContractConsumer<DeletionEvent> deletions;
  private ContractConsumer<UnlearningResult> results;

  /**
   * @param producer writes dead letters; started and stopped by the caller
   */
  public KafkaInput(
      Vertx vertx,
      KafkaSettings kafka,
      MessageCodec codec,
      ContractProducer producer,
      DeletionIntake intake,
      FailedJobs failedJobs,
      IntakeMetrics meters,
      Metrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.intake = Objects.requireNonNull(intake, "intake");
    this.failedJobs = Objects.requireNonNull(failedJobs, "failedJobs");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Other topics than the standard ones (tests isolate their runs this way). */
  public KafkaInput optTopics(String deletions, String results, String deadLetters) {
    this.deletionsTopic = Objects.requireNonNull(deletions, "deletions");
    this.resultsTopic = Objects.requireNonNull(results, "results");
    this.deadLetterTopic = Objects.requireNonNull(deadLetters, "deadLetters");
    return this;
  }

  /** Overrides a property of both consumers (e.g. {@code session.timeout.ms}). */
  public KafkaInput optConsumerProperties(Map<String, Object> properties) {
    overrides.putAll(properties);
    return this;
  }

  /** Subscribes to deletions, then to results. */
  @Override
  public Future<Void> start() {
    deletions =
        new ContractConsumer<>(
                vertx,
                kafka,
                codec,
                producer,
                deletionsTopic,
                DeletionEvent.class,
                d ->
                    intake.accept(
                        d.value(), d.correlationId(), Instant.ofEpochMilli(d.timestamp())))
            .optDeadLetterTopic(deadLetterTopic)
            .optMetrics(metrics)
            .optPipelined(MAX_EVENTS_IN_FLIGHT)
            // Events are small and cheap: fetch many per poll (each loop also commits, a round
            // trip), or a backlog is read at 500 records per round trip.
            .optProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000)
            // A dead-lettered event was received and rejected, like a 400 on HTTP.
            .optDeadLetterListener(
                (source, reason, violation) -> {
                  if (reason != DeadLetterReason.UNPROCESSABLE) {
                    meters.received(IntakeMetrics.KAFKA).increment(); // never reached accept()
                  }
                  meters.rejected(IntakeMetrics.KAFKA).increment();
                });
    overrides.forEach(deletions::optProperty);
    // Failed jobs free their deletions' keys: a group of its own, shared by the replicas.
    results =
        new ContractConsumer<>(
                vertx,
                kafka.withGroupId(kafka.groupId() + "-results"),
                codec,
                producer,
                resultsTopic,
                UnlearningResult.class,
                d -> failedJobs.onResult(d.value()))
            .optDeadLetterTopic(deadLetterTopic)
            .optMetrics(metrics);
    overrides.forEach(results::optProperty);
    return deletions.start().compose(v -> results.start());
  }

  @Override
  public Future<Void> stop() {
    return Future.all(
            deletions == null ? Future.succeededFuture() : deletions.stop(),
            results == null ? Future.succeededFuture() : results.stop())
        .mapEmpty();
  }

  /** Health of the deletion-event consumer. */
  public Health deletionsHealth() {
    return deletions == null ? Health.notReady(deletionsTopic, "not started") : deletions.health();
  }

  /** Health of the results consumer. */
  public Health resultsHealth() {
    return results == null ? Health.notReady(resultsTopic, "not started") : results.health();
  }
}
