package io.lethe.service.kafka;

import io.lethe.service.config.KafkaSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The client properties of a {@link ContractConsumer}: the service's Kafka settings, its group,
 * byte-array deserializers (the consumer validates records itself), the earliest offset for a new
 * group, the caller's overrides, and auto-commit always off (offsets are committed after handling).
 * Stateless.
 */
final class ConsumerProperties {
  private ConsumerProperties() {}

  static Map<String, Object> of(
      KafkaSettings settings, String topic, Map<String, Object> overrides) {
    Map<String, Object> p = new HashMap<>(settings.clientProperties());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-consumer-" + topic);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(settings.consumerProperties());
    p.putAll(overrides);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
  }
}
