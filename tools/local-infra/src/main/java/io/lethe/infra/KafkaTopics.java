package io.lethe.infra;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Test helper: makes sure topics exist on a (possibly shared) broker before a service subscribes,
 * so its consumer is assigned partitions at once instead of waiting for auto-creation. A topic
 * created meanwhile by another test is fine.
 */
public final class KafkaTopics {
  private static final long TIMEOUT_SECONDS = 30;

  private KafkaTopics() {}

  /** Creates each of {@code topics} that does not exist yet, with one partition, replication 1. */
  public static void ensure(String bootstrapServers, Collection<String> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (String topic : topics) {
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("could not create topic " + topic, e.getCause());
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              "topic " + topic + " not created within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted creating topic " + topic, e);
        }
      }
    }
  }
}
