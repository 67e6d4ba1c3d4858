package io.lethe.engine.progress;

/**
 * Receives progress of long engine work (training, unlearning, evaluation). The CLI draws a
 * progress bar from it; services turn it into progress events and metrics. Called on the thread
 * doing the work: implementations must be quick.
 */
public interface ProgressListener {
  /** Ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** A stage ("train", "dlfd", "evaluate") with {@code totalSteps} steps begins. */
  default void stageStarted(String stage, long totalSteps) {}

  /** One step of the current stage is done. */
  default void stepCompleted(ProgressEvent event) {}

  /** The stage ended (normally or not). */
  default void stageFinished(String stage) {}
}
