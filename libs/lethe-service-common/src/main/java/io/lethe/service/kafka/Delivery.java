package io.lethe.service.kafka;

import java.util.Optional;

/**
 * One valid record handed to a {@link ContractConsumer}'s handler: the decoded value and where it
 * came from (for logs, metrics, and idempotency checks when a record is delivered twice).
 *
 * @param value the decoded, validated record
 * @param key the Kafka key as UTF-8, or null
 * @param correlationId the {@code lethe-correlation-id} header, if present
 */
public record Delivery<T extends Record>(
    T value,
    String key,
    Optional<String> correlationId,
    String topic,
    int partition,
    long offset,
    long timestamp) {}
