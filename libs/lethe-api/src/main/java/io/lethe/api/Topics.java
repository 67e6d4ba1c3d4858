package io.lethe.api;

/** Kafka topic names. Keys are given per topic in {@code schemas/README.md}. */
public final class Topics {
  /** {@link DeletionEvent}, keyed by idempotency key. */
  public static final String DELETION_EVENTS = "lethe.deletion-events";

  /** {@link ForgetRequest}, keyed by model id. */
  public static final String FORGET_REQUESTS = "lethe.forget-requests";

  /** {@link JobProgress}, keyed by request id. */
  public static final String JOB_PROGRESS = "lethe.job-progress";

  /** {@link UnlearningResult}, keyed by model id. */
  public static final String UNLEARNING_RESULTS = "lethe.unlearning-results";

  /** {@link EvaluationReportMessage}, keyed by model id. */
  public static final String EVALUATIONS = "lethe.evaluations";

  /**
   * {@link RequestState}, keyed by request id, compacted: the intake's ledger of forget requests,
   * its idempotency keys and request status, shared by its replicas and read back at start-up.
   */
  public static final String INTAKE_LEDGER = "lethe.intake-ledger";

  /**
   * Records that failed validation, as received (original key and value), with {@link
   * Headers#DLQ_REASON} and {@link Headers#DLQ_SOURCE_TOPIC}.
   */
  public static final String DEAD_LETTERS = "lethe.dead-letters";

  private Topics() {}
}
