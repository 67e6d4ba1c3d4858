package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.JobProgress.Stage;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.engine.progress.ProgressEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobProgressReporterTest {
  private final ForgetRequest request =
      new ForgetRequest(
          "fr-1",
          "corr-1",
          "mufac-tiny",
          1,
          Method.DLFD,
          Map.of(),
          List.of("p0001"),
          List.of("p0001_0.png"),
          List.of("evt-1"),
          "sha256:" + "ab".repeat(32),
          Instant.parse("2025-01-31T12:00:00Z"));
  private final List<JobProgress> sent = new ArrayList<>();
  private final List<Double> observed = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();
  private final JobProgressReporter reporter =
      new JobProgressReporter(
          request,
          "corr-1",
          sent::add,
          (stage, score) -> observed.add(score),
          Clock.fixed(Instant.parse("2025-01-31T12:00:01Z"), ZoneOffset.UTC),
          now::get,
          Duration.ofSeconds(1));

  @Test
  void stepsAreThrottledButStageStartsAndEndsAlwaysGetThrough() {
    reporter.stage(Stage.LOADING, 0, 1);
    reporter.stageStarted("dlfd", 100);
    for (int k = 1; k <= 100; k++) {
      now.addAndGet(Duration.ofMillis(25).toNanos()); // 100 steps in 2.5 s
      reporter.stepCompleted(new ProgressEvent("dlfd", k, 100, 0.1, k < 50 ? 0.2 : 0.04, true));
    }
    reporter.stageFinished("dlfd");

    assertThat(observed).hasSize(100);
    // loading, stage start, first step, one per second (2), stage end.
    assertThat(sent).extracting(JobProgress::stage).containsOnly(Stage.LOADING, Stage.UNLEARNING);
    assertThat(sent).hasSize(6);
    JobProgress last = sent.get(sent.size() - 1);
    assertThat(last.step()).isEqualTo(100);
    assertThat(last.total()).isEqualTo(100);
    assertThat(last.forgettingScore()).isEqualTo(0.04);
    assertThat(last.perturbed()).isEqualTo(100);
    assertThat(sent.get(0).forgettingScore()).isNull();
  }

  @Test
  void everyRecordKeepsItsContract() {
    reporter.stageStarted("dlfd", 0); // an empty stage still has total >= 1
    reporter.stepCompleted(new ProgressEvent("dlfd", 1, 1, 0.1, 0.9, false)); // score clamped
    reporter.stepCompleted(new ProgressEvent("dlfd", 2, 1, 0.1, Double.NaN, false));
    reporter.stage(Stage.DONE, 1, 1);
    MessageCodec codec = new MessageCodec();
    for (JobProgress p : sent) {
      assertThat(codec.decode(codec.encode(p), JobProgress.class)).isEqualTo(p);
      assertThat(p.correlationId()).isEqualTo("corr-1");
    }
    assertThat(sent.get(1).forgettingScore()).isEqualTo(0.5);
  }
}
