package io.lethe.worker;

/**
 * A job ran past its time budget ({@code WORKER_JOB_TIMEOUT}). Thrown from inside the engine's
 * progress callback, so it unwinds the engine's try-with-resources (native memory freed) and the
 * job's scratch clean-up; the worker turns it into a {@code failed} result and the model's next
 * request runs. Not transient: the same request would exceed the same budget again.
 */
final class JobTimedOutException extends RuntimeException {
  JobTimedOutException(String message) {
    super(message, null, false, false); // the message says where; the stack says nothing more
  }
}
