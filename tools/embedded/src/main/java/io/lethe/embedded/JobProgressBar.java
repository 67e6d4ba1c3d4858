package io.lethe.embedded;

import io.lethe.api.JobProgress;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import java.util.Objects;

/**
 * Replays a job's {@link JobProgress} records (from {@code lethe.job-progress}) into a {@link
 * ProgressListener}, so the CLI's console bar can show a job that runs in a worker: a bar per
 * worker stage, advanced to each record's step, with the job's latest forgetting score.
 */
final class JobProgressBar {
  private final ProgressListener listener;
  private String openStage;
  private long openTotal;

  JobProgressBar(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  void accept(JobProgress p) {
    String stage = p.stage().name().toLowerCase(java.util.Locale.ROOT);
    boolean terminal = p.stage() == JobProgress.Stage.DONE || p.stage() == JobProgress.Stage.FAILED;
    if (terminal) {
      finish();
      return;
    }
    if (!stage.equals(openStage) || p.total() != openTotal) {
      finish();
      openStage = stage;
      openTotal = p.total();
      listener.stageStarted(stage, p.total());
    }
    listener.stepCompleted(
        new ProgressEvent(
            stage,
            p.step(),
            p.total(),
            Double.NaN,
            p.forgettingScore() == null ? Double.NaN : p.forgettingScore(),
            false));
  }

  void finish() {
    if (openStage != null) {
      listener.stageFinished(openStage);
      openStage = null;
      openTotal = 0;
    }
  }
}
