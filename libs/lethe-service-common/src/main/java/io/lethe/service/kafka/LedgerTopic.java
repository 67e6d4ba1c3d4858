package io.lethe.service.kafka;

import io.lethe.api.MessageCodec;
import io.lethe.service.config.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake's ledger topic ({@code lethe.intake-ledger}), created the same way by whichever
 * service starts first: the intake, which writes it, or the registry, whose audit log reads it.
 * Compacted, and deleted after {@link #RETENTION}: its records name the subjects of each request,
 * so they must not outlive what an erasure is allowed to leave behind (the registry's audit log,
 * which holds no subject id, keeps the history).
 */
public final class LedgerTopic {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerTopic.class);

  /** How long a ledger record is kept: the intake's memory of idempotency keys. */
  public static final Duration RETENTION = Duration.ofDays(30);

  /**
   * How long a record is safe from compaction: the registry's audit log, which copies every state
   * of every request from the ledger, may be down that long without missing one.
   */
  public static final Duration MIN_COMPACTION_LAG = Duration.ofDays(1);

  private LedgerTopic() {}

  /** Creates {@code topic} unless it exists. Blocking. */
  public static void ensure(KafkaSettings settings, String topic, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Object> admin = new HashMap<>(settings.clientProperties());
    admin.put(
        org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG,
        settings.clientId() + "-ledger-admin");
    try (Admin a = Admin.create(admin)) {
      if (a.listTopics().names().get(timeout.toSeconds(), TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      NewTopic t =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(
                      TopicConfig.CLEANUP_POLICY_CONFIG,
                      TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                      TopicConfig.RETENTION_MS_CONFIG,
                      String.valueOf(RETENTION.toMillis()),
                      TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                      String.valueOf(MIN_COMPACTION_LAG.toMillis()),
                      TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                      String.valueOf(MessageCodec.MAX_BYTES + 64 * 1024)));
      try {
        a.createTopics(List.of(t)).all().get(timeout.toSeconds(), TimeUnit.SECONDS);
        LOG.info("created the intake ledger {} (compacted, kept {})", topic, RETENTION);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
