package io.lethe.api;

/** Kafka header names (values are UTF-8). */
public final class Headers {
  /** Trace id carried unchanged from the deletion event to the evaluation report. */
  public static final String CORRELATION_ID = "lethe-correlation-id";

  /** The contract of the record value, e.g. {@code forget-request.v1} ({@link Contract#tag()}). */
  public static final String SCHEMA = "lethe-schema";

  /** Dead letters only: why the record was rejected ({@link ContractViolation#reason(int)}). */
  public static final String DLQ_REASON = "lethe-dlq-reason";

  /** Dead letters only: the topic the rejected record was read from. */
  public static final String DLQ_SOURCE_TOPIC = "lethe-dlq-source-topic";

  private Headers() {}
}
