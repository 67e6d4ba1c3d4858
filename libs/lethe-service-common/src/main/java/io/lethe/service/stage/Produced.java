package io.lethe.service.stage;

/**
 * Where the broker stored a {@link Stage}'s output (for the log line that lets an operator find
 * it); a record of its own so that services need not see Kafka's client types.
 */
public record Produced(String topic, int partition, long offset) {}
