package io.lethe.worker;

import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.JobProgress.Stage;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the engine's progress callbacks for one job into {@link JobProgress} records. Stage starts
 * and ends are always reported; steps at most once per {@code minInterval}, because a DLFD run on a
 * small model completes hundreds of steps per second and a record per step would flood {@code
 * lethe.job-progress} without telling anyone more.
 *
 * <p>Called on the job's thread (the engine calls listeners synchronously), so it must stay cheap:
 * the sink only hands the record to the producer. {@code perturbed} counts the steps trained on
 * perturbed images, which is what the engine reports per step.
 */
final class JobProgressReporter implements ProgressListener {
  /** What the worker's metrics learn from the engine's steps. */
  interface Observer {
    void step(String engineStage, double forgettingScore);
  }

  private final ForgetRequest request;
  private final String correlationId;
  private final Consumer<JobProgress> sink;
  private final Observer observer;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final long minIntervalNanos;
  private long lastStepEmit;
  private boolean emittedStep;
  private long perturbed;
  private Double score;
  private long lastStep;
  private long lastTotal = 1;

  JobProgressReporter(
      ForgetRequest request,
      String correlationId,
      Consumer<JobProgress> sink,
      Observer observer,
      Clock clock,
      LongSupplier nanoTime,
      Duration minInterval) {
    this.request = Objects.requireNonNull(request, "request");
    this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.minIntervalNanos = minInterval.toNanos();
  }

  /** A worker-level stage (loading, saving, done, failed): always reported. */
  void stage(Stage stage, long step, long total) {
    emit(stage, step, total);
  }

  @Override
  public void stageStarted(String stage, long totalSteps) {
    emit(Stage.UNLEARNING, 0, totalSteps);
  }

  @Override
  public void stepCompleted(ProgressEvent event) {
    if (event.perturbed()) {
      perturbed++;
    }
    double s = event.forgettingScore();
    if (!Double.isNaN(s)) {
      score = Math.min(0.5, Math.max(0.0, s));
    }
    observer.step(event.stage(), s);
    long now = nanoTime.getAsLong();
    if (!emittedStep || now - lastStepEmit >= minIntervalNanos) {
      emittedStep = true;
      lastStepEmit = now;
      emit(Stage.UNLEARNING, event.step(), event.totalSteps());
    }
    lastStep = event.step();
    lastTotal = event.totalSteps();
  }

  @Override
  public void stageFinished(String stage) {
    emit(Stage.UNLEARNING, lastStep, lastTotal);
  }

  private void emit(Stage stage, long step, long total) {
    int t = (int) Math.max(1, Math.min(Integer.MAX_VALUE, total));
    int s = (int) Math.max(0, Math.min(t, step));
    sink.accept(
        new JobProgress(
            request.requestId(),
            correlationId,
            request.modelId(),
            request.baseVersion(),
            stage,
            s,
            t,
            score,
            (int) Math.min(Integer.MAX_VALUE, perturbed),
            clock.instant().truncatedTo(ChronoUnit.MILLIS)));
  }
}
