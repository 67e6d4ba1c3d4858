package io.lethe.service.kafka;

import java.time.Duration;

/**
 * Told each time a {@link ContractConsumer} schedules another call of its handler for a record that
 * failed transiently (e.g. the worker counts {@code lethe_worker_jobs_retried_total}). Runs on
 * whatever thread completed the attempt: keep it short (count, log), never block.
 */
@FunctionalInterface
public interface RetryListener {
  /**
   * @param delivery the record being retried
   * @param attempt 1 for the first retry
   * @param failure why the last attempt failed
   * @param delay how long until the next attempt
   */
  void retrying(Delivery<?> delivery, int attempt, Throwable failure, Duration delay);
}
