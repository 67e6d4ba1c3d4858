package io.lethe.embedded;

import io.lethe.api.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the pipeline's topics, or grows them to the wanted partition count when they exist with
 * fewer. Partitions are what lets several workers share the forget requests (a consumer group
 * spreads partitions, never records of one partition), and what lets the intake take events of
 * several partitions at once.
 */
public final class PipelineTopics {
  /** Every topic of the pipeline. */
  public static final List<String> ALL =
      List.of(
          Topics.DELETION_EVENTS,
          Topics.FORGET_REQUESTS,
          Topics.JOB_PROGRESS,
          Topics.UNLEARNING_RESULTS,
          Topics.EVALUATIONS,
          Topics.DEAD_LETTERS);

  /**
   * How long each topic keeps a record. Deletion events, forget requests and dead letters name
   * subjects, so they are kept no longer than a worker could need to redo a job after an outage;
   * what outlives them is the registry's audit log, which counts subjects and never names them. The
   * intake's ledger has its own retention ({@code LedgerTopic}).
   */
  public static final Map<String, Duration> RETENTION =
      Map.of(
          Topics.DELETION_EVENTS, Duration.ofDays(7),
          Topics.FORGET_REQUESTS, Duration.ofDays(7),
          Topics.JOB_PROGRESS, Duration.ofDays(1),
          Topics.UNLEARNING_RESULTS, Duration.ofDays(7),
          Topics.EVALUATIONS, Duration.ofDays(7),
          Topics.DEAD_LETTERS, Duration.ofDays(7));

  /** Partitions per topic: enough for a few workers on a demo machine. */
  public static final int DEFAULT_PARTITIONS = 3;

  private PipelineTopics() {}

  /** Ensures every topic of {@link #ALL} exists with at least {@code partitions} partitions. */
  public static void ensure(String bootstrapServers, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> create = new ArrayList<>();
      for (String topic : ALL) {
        if (!existing.contains(topic)) {
          create.add(
              new NewTopic(topic, partitions, (short) 1)
                  .configs(
                      Map.of(
                          TopicConfig.RETENTION_MS_CONFIG,
                          Long.toString(RETENTION.get(topic).toMillis()))));
        }
      }
      if (!create.isEmpty()) {
        try {
          admin.createTopics(create).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // Another process created one meanwhile: its partition count is checked below.
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
            throw e;
          }
        }
      }
      Map<String, TopicDescription> described =
          admin.describeTopics(ALL).allTopicNames().get(30, TimeUnit.SECONDS);
      for (TopicDescription d : described.values()) {
        if (d.partitions().size() < partitions) {
          admin
              .createPartitions(Map.of(d.name(), NewPartitions.increaseTo(partitions)))
              .all()
              .get(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
