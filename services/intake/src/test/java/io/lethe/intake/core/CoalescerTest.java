package io.lethe.intake.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.ForgetRequest;
import io.lethe.api.Method;
import io.lethe.intake.core.Coalescer.Batch;
import io.lethe.intake.core.Coalescer.State;
import io.lethe.intake.core.ModelCatalog.Affected;
import io.lethe.intake.core.ModelCatalog.ModelTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Time is driven by hand: {@link FakeTimers#fireAll()} is "the window closed". */
class CoalescerTest {
  static final ModelTarget FACES = new ModelTarget("faces", 3, "d", "sha256:" + "a".repeat(64));
  static final ModelTarget VOICES = new ModelTarget("voices", 1, "v", "sha256:" + "b".repeat(64));
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static final class FakeTimers implements Coalescer.Timers {
    final Map<Long, Runnable> tasks = new LinkedHashMap<>();
    final List<Duration> delays = new ArrayList<>();
    long next;

    @Override
    public long schedule(Duration delay, Runnable task) {
      delays.add(delay);
      tasks.put(next, task);
      return next++;
    }

    @Override
    public void cancel(long id) {
      tasks.remove(id);
    }

    void fireAll() {
      List<Runnable> due = List.copyOf(tasks.values());
      tasks.clear();
      due.forEach(Runnable::run);
    }
  }

  private final FakeTimers timers = new FakeTimers();
  private final List<ForgetRequest> sent = new ArrayList<>();
  private final List<Coalescer.Emission> emissions = new ArrayList<>();
  private final List<Promise<Void>> acks = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Coalescer coalescer =
      new Coalescer(
          Duration.ofSeconds(5),
          timers,
          Clock.fixed(NOW, ZoneOffset.UTC),
          () -> "fr-" + ids.incrementAndGet(),
          emission -> {
            sent.add(emission.request());
            emissions.add(emission);
            Promise<Void> ack = Promise.promise();
            acks.add(ack);
            return ack.future();
          });

  static Affected affected(ModelTarget model, String... subjects) {
    TreeMap<String, List<String>> samples = new TreeMap<>();
    for (String s : subjects) {
      samples.put(s, List.of(s + "/a.png", s + "/b.png"));
    }
    return new Affected(model, samples);
  }

  @Test
  void mergesOneModelsSubjectsWithinTheWindowIntoOneRequest() {
    Batch first =
        coalescer.add(
            affected(FACES, "s-9", "s-1"), "evt-1", "key-evt-1", NOW, "corr-1", Method.DLFD, null);
    Batch second =
        coalescer.add(
            affected(FACES, "s-1", "s-5"), "evt-2", "key-evt-2", NOW, "corr-2", Method.DLFD, null);

    assertThat(second).isSameAs(first);
    assertThat(timers.delays).containsExactly(Duration.ofSeconds(5));
    assertThat(sent).isEmpty();
    assertThat(first.state()).isEqualTo(State.PENDING);

    timers.fireAll();

    assertThat(sent).hasSize(1);
    ForgetRequest r = sent.get(0);
    assertThat(r.requestId()).isEqualTo("fr-1").isEqualTo(first.requestId());
    assertThat(r.modelId()).isEqualTo("faces");
    assertThat(r.baseVersion()).isEqualTo(3);
    assertThat(r.subjectIds()).containsExactly("s-1", "s-5", "s-9");
    assertThat(r.sampleIds())
        .containsExactly(
            "s-1/a.png", "s-1/b.png", "s-5/a.png", "s-5/b.png", "s-9/a.png", "s-9/b.png");
    assertThat(r.sourceEventIds()).containsExactly("evt-1", "evt-2");
    assertThat(r.correlationId()).isEqualTo("corr-1");
    assertThat(r.method()).isEqualTo(Method.DLFD);
    assertThat(r.datasetVersion()).isEqualTo(FACES.datasetVersion());
    assertThat(r.requestedAt()).isEqualTo(NOW);
    assertThat(emissions.get(0).idempotencyKeys()).containsExactly("key-evt-1", "key-evt-2");
    assertThat(emissions.get(0).acceptedAt()).isEqualTo(NOW);
    assertThat(first.emitted().isComplete()).isFalse(); // not acked yet

    acks.get(0).complete();

    assertThat(first.emitted().succeeded()).isTrue();
    assertThat(first.state()).isEqualTo(State.EMITTED);
  }

  @Test
  void keepsModelsAndMethodsApart() {
    Batch faces =
        coalescer.add(affected(FACES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);
    Batch voices =
        coalescer.add(affected(VOICES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);
    Batch retrain =
        coalescer.add(affected(FACES, "s-2"), "evt-2", "key-evt-2", NOW, "c", Method.RETRAIN, null);
    Batch tuned =
        coalescer.add(
            affected(FACES, "s-3"),
            "evt-3",
            "key-evt-3",
            NOW,
            "c",
            Method.DLFD,
            Map.of("alpha", 0.1));

    assertThat(List.of(faces, voices, retrain, tuned)).doesNotHaveDuplicates();
    assertThat(coalescer.pending()).isEqualTo(4);
    timers.fireAll();
    assertThat(sent).hasSize(4);
    assertThat(sent.get(3).hyperparameters()).containsEntry("alpha", 0.1);
  }

  @Test
  void anEventAfterTheWindowOpensANewBatch() {
    Batch first =
        coalescer.add(affected(FACES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);
    timers.fireAll();
    Batch second =
        coalescer.add(affected(FACES, "s-2"), "evt-2", "key-evt-2", NOW, "c", Method.DLFD, null);

    assertThat(second).isNotSameAs(first);
    timers.fireAll();
    assertThat(sent)
        .extracting(ForgetRequest::subjectIds)
        .containsExactly(List.of("s-1"), List.of("s-2"));
  }

  @Test
  void aFailedSendFailsTheBatch() {
    Batch batch =
        coalescer.add(affected(FACES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);
    timers.fireAll();
    acks.get(0).fail(new IllegalStateException("broker down"));

    assertThat(batch.state()).isEqualTo(State.FAILED);
    assertThat(batch.emitted().failed()).isTrue();
  }

  @Test
  void aFullBatchIsEmittedEarly() {
    String[] many = new String[Coalescer.MAX_SUBJECTS];
    for (int i = 0; i < many.length; i++) {
      many[i] = "s-" + i;
    }
    TreeMap<String, List<String>> one = new TreeMap<>();
    for (String s : many) {
      one.put(s, List.of(s));
    }
    Batch full =
        coalescer.add(new Affected(FACES, one), "evt-1", "key-1", NOW, "c", Method.DLFD, null);
    Batch next =
        coalescer.add(affected(FACES, "extra"), "evt-2", "key-evt-2", NOW, "c", Method.DLFD, null);

    assertThat(next).isNotSameAs(full);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).subjectIds()).hasSize(Coalescer.MAX_SUBJECTS);
    assertThat(timers.tasks).hasSize(1); // the full batch's timer was cancelled
  }

  @Test
  void flushEmitsEverythingOpenNow() {
    coalescer.add(affected(FACES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);
    coalescer.add(affected(VOICES, "s-1"), "evt-1", "key-evt-1", NOW, "c", Method.DLFD, null);

    Future<Void> flushed = coalescer.flush();

    assertThat(sent).hasSize(2);
    assertThat(timers.tasks).isEmpty();
    assertThat(flushed.isComplete()).isFalse();
    acks.forEach(Promise::complete);
    assertThat(flushed.succeeded()).isTrue();
    assertThat(coalescer.pending()).isZero();
  }
}
