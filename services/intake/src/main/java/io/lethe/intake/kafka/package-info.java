/**
 * Where a deletion enters from Kafka ({@code lethe.deletion-events}) and failed jobs come back
 * ({@code lethe.unlearning-results}): {@link io.lethe.intake.kafka.KafkaInput}; and the ledger the
 * core records requests in, a compacted topic ({@link io.lethe.intake.kafka.RequestLedger}).
 */
package io.lethe.intake.kafka;
