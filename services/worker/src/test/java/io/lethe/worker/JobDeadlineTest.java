package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobDeadlineTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final List<String> seen = new ArrayList<>();
  private final ProgressListener recorder =
      new ProgressListener() {
        @Override
        public void stageStarted(String stage, long totalSteps) {
          seen.add("start " + stage);
        }

        @Override
        public void stepCompleted(ProgressEvent event) {
          seen.add("step " + event.step());
        }

        @Override
        public void stageFinished(String stage) {
          seen.add("finish " + stage);
        }
      };

  @Test
  void withinTheBudgetEveryCallbackPassesThrough() {
    ProgressListener watched =
        JobDeadline.start(Duration.ofSeconds(30), now::get).watching(recorder);

    watched.stageStarted("dlfd", 900);
    now.addAndGet(30_000_000_000L); // exactly the budget: not yet exceeded
    watched.stepCompleted(ProgressEvent.of("dlfd", 1, 900, 0.5));
    watched.stageFinished("dlfd");

    assertThat(seen).containsExactly("start dlfd", "step 1", "finish dlfd");
  }

  @Test
  void pastTheBudgetTheNextStepThrowsSayingWhereAndHowLong() {
    ProgressListener watched =
        JobDeadline.start(Duration.ofSeconds(30), now::get).watching(recorder);
    watched.stageStarted("dlfd", 900);
    now.addAndGet(31_200_000_000L);

    assertThatThrownBy(() -> watched.stepCompleted(ProgressEvent.of("dlfd", 40, 900, 0.5)))
        .isInstanceOf(JobTimedOutException.class)
        .hasMessage(
            "exceeded its time budget of PT30S after 31.2 s in stage dlfd (step 40/900);"
                + " WORKER_JOB_TIMEOUT sets the budget");
    // The step was still reported (progress and metrics stay true), and ending the stage, which
    // the engine does in a finally block, never throws over the real outcome.
    assertThat(seen).containsExactly("start dlfd", "step 40");
    assertThatCode(() -> watched.stageFinished("dlfd")).doesNotThrowAnyException();
  }

  @Test
  void aStageThatStartsPastTheBudgetStopsBeforeItsFirstStep() {
    JobDeadline deadline = JobDeadline.start(Duration.ofSeconds(3), now::get);
    now.addAndGet(4_000_000_000L);

    assertThatThrownBy(() -> deadline.watching(recorder).stageStarted("train", 120))
        .isInstanceOf(JobTimedOutException.class)
        .hasMessageStartingWith(
            "exceeded its time budget of PT3S after 4.0 s in stage train (step 0/120)");
    assertThatThrownBy(() -> deadline.check("loading", 1, 1))
        .hasMessageContaining("in stage loading (step 1/1)");
  }
}
