package io.lethe.worker;

import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One job's time budget, enforced cooperatively: the engine calls its progress listener on the
 * job's thread at every stage start and after every batch, and {@link #watching} throws {@link
 * JobTimedOutException} from that callback once the budget is spent. Cooperative because a thread
 * cannot be stopped safely in the middle of native tensor code; the price is that a job overruns by
 * at most one step (one batch of training or perturbation, or one score estimate).
 *
 * <p>Why a budget at all: requests for one model run one after another, so a single job that never
 * ends (a request for two billion epochs, a dataset far larger than its limits assumed) would block
 * every later deletion for that model. The budget comes only from the operator's settings; nothing
 * in a request can raise it.
 */
final class JobDeadline {
  private final Duration budget;
  private final LongSupplier nanoTime;
  private final long startNanos;

  private JobDeadline(Duration budget, LongSupplier nanoTime) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.startNanos = nanoTime.getAsLong();
  }

  /** Starts the clock now. */
  static JobDeadline start(Duration budget, LongSupplier nanoTime) {
    return new JobDeadline(budget, nanoTime);
  }

  /**
   * Throws if the budget is spent.
   *
   * @param stage what is running, for the message ("loading", "dlfd", "train")
   * @throws JobTimedOutException saying the budget, the time taken and where the job was
   */
  void check(String stage, long step, long totalSteps) {
    long elapsed = nanoTime.getAsLong() - startNanos;
    if (elapsed > budget.toNanos()) {
      throw new JobTimedOutException(
          String.format(
              Locale.ROOT,
              "exceeded its time budget of %s after %.1f s in stage %s (step %d/%d);"
                  + " %s sets the budget",
              budget,
              elapsed / 1e9,
              stage,
              step,
              totalSteps,
              WorkerSettings.JOB_TIMEOUT));
    }
  }

  /** {@code delegate}, checking the budget after each stage start and step it reports. */
  ProgressListener watching(ProgressListener delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return new ProgressListener() {
      @Override
      public void stageStarted(String stage, long totalSteps) {
        delegate.stageStarted(stage, totalSteps);
        check(stage, 0, totalSteps);
      }

      @Override
      public void stepCompleted(ProgressEvent event) {
        delegate.stepCompleted(event);
        check(event.stage(), event.step(), event.totalSteps());
      }

      @Override
      public void stageFinished(String stage) {
        // Called from the engine's finally blocks: throwing here would hide the real outcome.
        delegate.stageFinished(stage);
      }
    };
  }
}
