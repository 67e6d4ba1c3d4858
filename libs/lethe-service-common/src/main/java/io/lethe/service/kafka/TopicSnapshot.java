package io.lethe.service.kafka;

import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.service.config.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning to the end offsets it had when the read started, without a
 * consumer group (nothing is committed): how a service rebuilds a view of a compacted topic at
 * start-up. Records that break their contract and tombstones are counted and skipped. Blocking.
 */
public final class TopicSnapshot {
  /** What one read saw. */
  public record Stats(long records, long skipped) {}

  private TopicSnapshot() {}

  /**
   * Decodes every record of {@code topic} as {@code type} and hands it to {@code sink}, in offset
   * order per partition.
   *
   * @throws org.apache.kafka.common.errors.TimeoutException if the end is not reached within {@code
   *     timeout}
   */
  public static <T extends Record> Stats read(
      KafkaSettings settings,
      String topic,
      MessageCodec codec,
      Class<T> type,
      Consumer<T> sink,
      Duration timeout) {
    Map<String, Object> p = new HashMap<>(settings.clientProperties());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-snapshot");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MessageCodec.MAX_BYTES + 64 * 1024);
    Instant deadline = Instant.now().plus(timeout);
    long records = 0;
    long skipped = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, ends)) {
        if (Instant.now().isAfter(deadline)) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "could not read " + topic + " to its end within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records++;
          if (r.value() == null) {
            skipped++;
            continue;
          }
          try {
            sink.accept(codec.decode(r.value(), type));
          } catch (ContractViolation e) {
            skipped++;
          }
        }
      }
    }
    return new Stats(records, skipped);
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
