package io.lethe.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.service.health.Health;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsumerHealthTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1000 * SECOND);
  private final AtomicLong lag = new AtomicLong();
  private final ConsumerHealth health =
      new ConsumerHealth("t", lag::get, now::get, Duration.ofSeconds(60), Duration.ofSeconds(30));
  private final TopicPartition tp = new TopicPartition("t", 0);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Thread pollThread = new Thread(this::park);

  @AfterEach
  void stopThread() throws Exception {
    release.countDown();
    pollThread.join();
  }

  @Test
  void readyOnceAssignedAndWhileRecordsMove() {
    assertThat(health.health().notReady()).containsEntry("consumer t", "not started");
    start();
    assertThat(health.health().notReady())
        .containsEntry("consumer t", "no partition assignment yet");
    assertThat(health.health().live()).isTrue();
    health.assigned();
    assertThat(health.health()).isEqualTo(Health.UP);
  }

  @Test
  void recordsBehindWithNoneInAHandlerAndNoCommitForTheStallTimeoutIsStalled() {
    start();
    health.assigned();
    lag.set(5);
    advance(59);
    health.polled();
    assertThat(health.health().ready()).isTrue();
    assertThat(health.stalledSeconds()).isZero();
    advance(2);
    health.polled();
    assertThat(health.health().notReady().get("consumer t"))
        .startsWith("stalled: 5 records behind");
    assertThat(health.health().live()).isTrue();
    assertThat(health.stalledSeconds()).isEqualTo(61.0);

    health.committed();
    assertThat(health.health().ready()).isTrue();
    assertThat(health.stalledSeconds()).isZero();
  }

  @Test
  void aLongHandlerIsNotAStall() {
    start();
    health.assigned();
    lag.set(5);
    health.recordStarted();
    advance(3600);
    health.polled();
    assertThat(health.health().ready()).isTrue();
  }

  @Test
  void aPollLoopThatStoppedIteratingIsNotReady() {
    start();
    health.assigned();
    advance(61);
    assertThat(health.health().notReady().get("consumer t"))
        .startsWith("poll loop has not iterated for 61 s");
  }

  @Test
  void aTransientStreakLongerThanTheLimitIsNotReadyUntilTheRecordIsDone() {
    start();
    health.assigned();
    health.recordStarted();
    health.failedTransiently(tp, new ConnectException("refused"));
    advance(20);
    health.polled();
    health.failedTransiently(tp, new ConnectException("refused again"));
    assertThat(health.health().ready()).isTrue();
    advance(11);
    health.polled();
    assertThat(health.health().notReady().get("consumer t"))
        .contains("failing transiently for 31 s")
        .contains("refused again");
    assertThat(health.health().live()).isTrue();
    health.recordFinished(tp);
    assertThat(health.health().ready()).isTrue();
  }

  @Test
  void aDeadPollThreadIsNotLiveButAStoppedConsumerIs() {
    start();
    health.assigned();
    health.died(new IllegalStateException("boom"));
    assertThat(health.health().live()).isFalse();
    assertThat(health.health().notLive().get("consumer t")).contains("boom");
    health.stopping();
    assertThat(health.health().live()).isTrue();
    assertThat(health.health().ready()).isFalse();
  }

  private void start() {
    pollThread.setDaemon(true);
    pollThread.start();
    health.started(pollThread);
  }

  private void advance(long seconds) {
    now.addAndGet(seconds * SECOND);
  }

  private void park() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
