package io.lethe.testutils;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds: what integration tests do while services work. */
public final class Waiting {
  private static final long POLL_MILLIS = 100;

  private Waiting() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param what what is awaited, for the failure message
   * @throws AssertionError if it does not hold within {@code timeout}
   */
  public static void until(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
