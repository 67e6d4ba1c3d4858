package io.lethe.intake.core;

import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.HashMap;
import java.util.Map;

/**
 * The intake's meters, registered once at construction (so a bad name fails at start-up). Events
 * are counted per source where they are received: {@code http} counts posts, {@code kafka} every
 * event read from the topic, including the ones the HTTP adapter wrote there (that is the path that
 * coalesces them). Kafka records that break the contract are dead-lettered inside {@code
 * ContractConsumer}; its dead-letter listener counts them here as received and rejected, once.
 */
public final class IntakeMetrics {
  public static final String HTTP = "http";
  public static final String KAFKA = "kafka";

  // Looked up once: the Kafka path counts tens of thousands of events a second.
  private final Map<String, Counter> received = new HashMap<>();
  private final Map<String, Counter> rejected = new HashMap<>();
  private final Map<String, Counter> deduplicated = new HashMap<>();
  private final Map<String, Counter> unknownSubjects = new HashMap<>();
  private final Counter failed;
  private final Counter retries;
  private final Counter emitted;

  public IntakeMetrics(Metrics metrics) {
    for (String source : new String[] {HTTP, KAFKA}) {
      received.put(source, metrics.counter("requests_received", "source", source));
      rejected.put(source, metrics.counter("requests_rejected", "source", source));
      deduplicated.put(source, metrics.counter("requests_deduplicated", "source", source));
      unknownSubjects.put(source, metrics.counter("unknown_subjects", "source", source));
    }
    failed = metrics.counter("forget_requests_failed");
    retries = metrics.counter("write_retries");
    emitted = metrics.counter("forget_requests_emitted");
  }

  /** {@code lethe_intake_requests_received_total}: deletion events received, valid or not. */
  public Counter received(String source) {
    return received.get(source);
  }

  /** {@code lethe_intake_requests_rejected_total}: events that broke deletion-event.v1. */
  public Counter rejected(String source) {
    return rejected.get(source);
  }

  /** {@code lethe_intake_requests_deduplicated_total}: repeats of an idempotency key. */
  public Counter deduplicated(String source) {
    return deduplicated.get(source);
  }

  /** {@code lethe_intake_unknown_subjects_total}: subjects no model was trained on. */
  public Counter unknownSubjects(String source) {
    return unknownSubjects.get(source);
  }

  /** {@code lethe_intake_forget_requests_failed_total}: requests that can never be sent. */
  public Counter failed() {
    return failed;
  }

  /** {@code lethe_intake_write_retries_total}: ledger or forget-request writes retried. */
  public Counter retries() {
    return retries;
  }

  /** {@code lethe_intake_forget_requests_emitted_total}: acknowledged by the broker. */
  public Counter emitted() {
    return emitted;
  }
}
