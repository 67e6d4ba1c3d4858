package io.lethe.service.kafka;

import io.lethe.api.ContractViolation;

/**
 * Told about every record a {@link ContractConsumer} dead-lettered, once the dead letter is acked
 * (so a count never includes a record that will be re-read after a crash). Runs on the consumer's
 * Vert.x context: keep it short (count, log), never block.
 */
@FunctionalInterface
public interface DeadLetterListener {
  /**
   * @param sourceTopic the topic the record was read from
   * @param reason its class, fit for a metric tag
   * @param violation every violation, with the full text
   */
  void deadLettered(String sourceTopic, DeadLetterReason reason, ContractViolation violation);
}
