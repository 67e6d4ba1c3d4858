package io.lethe.service.stage;

import io.lethe.api.Contract;
import java.util.Objects;

/**
 * A record a {@link StageJob} wants produced to its contract's topic.
 *
 * @param key the Kafka key (see {@code schemas/README.md}), may be null
 * @param correlationId copied into {@code lethe-correlation-id}
 */
public record Output<O extends Record>(
    Contract contract, String key, O record, String correlationId) {
  public Output {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(correlationId, "correlationId");
  }
}
