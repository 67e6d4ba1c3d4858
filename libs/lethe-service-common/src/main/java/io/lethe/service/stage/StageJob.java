package io.lethe.service.stage;

/**
 * The work of a {@link Stage} for one input record: what a service writes, while the stage owns the
 * Kafka and threading around it. Created on the Vert.x context for each delivery (also for each
 * retry of it), so it may keep per-record state between its steps.
 *
 * @param <O> the output record type
 */
public interface StageJob<O extends Record> {
  /**
   * Does the work, on the stage's worker pool: blocking is expected here (seconds to hours).
   *
   * @return what to produce, or null to produce nothing (the input is then just committed)
   * @throws Exception a transient failure (see the stage's {@code FailureClassifier}) is retried
   *     with backoff; a permanent one goes to {@link #failed}
   */
  Output<O> run() throws Exception;

  /**
   * Answers a permanent failure of {@link #run()}, on the Vert.x context: an output that reports it
   * (e.g. a {@code failed} result), null to produce nothing, or throw to dead-letter the input with
   * reason {@code failed}. Default: rethrow.
   */
  default Output<O> failed(Throwable failure) throws Exception {
    if (failure instanceof Exception e) {
      throw e;
    }
    throw new IllegalStateException(failure);
  }

  /**
   * {@link #run()} failed transiently: the consumer will call the stage again for this record after
   * a backoff (unless the retry budget is spent). On the Vert.x context; log here.
   */
  default void failedTransiently(Throwable failure) {}

  /** The output was acked by the broker (on the Vert.x context): count and log here. */
  default void produced(Output<O> output, Produced at) {}

  /** Always called last, whatever happened (on the Vert.x context): release per-record state. */
  default void finished() {}
}
