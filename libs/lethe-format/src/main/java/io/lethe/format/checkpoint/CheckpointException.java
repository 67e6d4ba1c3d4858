package io.lethe.format.checkpoint;

/**
 * A checkpoint is missing, incomplete, corrupted, or not the one the caller asked for. The message
 * names the checkpoint (its id or directory) and says what was expected, because whoever reads it
 * is deciding whether to re-run a job or restore a file, and needs to know which.
 */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
