package io.lethe.infra;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Test helper for services that consume fixed, well-known topics (the worker reads {@code
 * lethe.forget-requests}, the evaluator {@code lethe.unlearning-results}). When one broker is
 * shared by a whole CI build ({@code .ci/run}) or by repeated local runs, those topics already hold
 * records of earlier tests; a new consumer group starting at {@code earliest} would process them.
 * {@link #startAtEnd} commits the group's offsets at the current end of each partition
 * <em>before</em> the service joins, so it only sees what the test itself sends.
 */
public final class ConsumerGroups {
  private static final long TIMEOUT_SECONDS = 30;

  private ConsumerGroups() {}

  /**
   * Commits, for the (not yet active) consumer group {@code groupId}, the current end offset of
   * every partition of {@code topics}. The topics must exist.
   */
  public static void startAtEnd(
      String bootstrapServers, String groupId, Collection<String> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<String, TopicDescription> described =
          admin
              .describeTopics(List.copyOf(topics))
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (TopicDescription d : described.values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          ends.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest =
          admin.listOffsets(ends).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
      latest.forEach((tp, info) -> commits.put(tp, new OffsetAndMetadata(info.offset())));
      admin
          .alterConsumerGroupOffsets(groupId, commits)
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while positioning group " + groupId, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot position group " + groupId + " at the end of " + topics + ": " + e, e);
    }
  }
}
