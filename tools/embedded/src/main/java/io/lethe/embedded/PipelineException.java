package io.lethe.embedded;

/** A pipeline run that ended without an evaluated version: the message says which step failed. */
public final class PipelineException extends Exception {
  public PipelineException(String message) {
    super(message);
  }
}
