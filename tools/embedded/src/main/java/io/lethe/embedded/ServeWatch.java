package io.lethe.embedded;

import io.lethe.api.ContractViolation;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.ModelStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The serving pipeline's console log: one line per forget request as the intake emits it, the
 * worker starts and finishes it, the evaluator judges the version and the registry promotes it.
 * Reads {@code lethe.forget-requests}, {@code lethe.job-progress}, {@code lethe.unlearning-results}
 * and {@code lethe.evaluations} from their end, without a consumer group (it takes nothing from the
 * services), on a thread of its own; promotions are read from the registry's alias. Lines name
 * request ids and counts, never subject ids.
 */
final class ServeWatch implements AutoCloseable {
  private static final Map<String, Class<? extends Record>> TYPES =
      Map.of(
          Topics.FORGET_REQUESTS, ForgetRequest.class,
          Topics.JOB_PROGRESS, JobProgress.class,
          Topics.UNLEARNING_RESULTS, UnlearningResult.class,
          Topics.EVALUATIONS, EvaluationReportMessage.class);

  private static final Duration ALIAS_POLL = Duration.ofSeconds(1);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final MessageCodec codec = new MessageCodec();
  private final ModelStore store;
  private final PrintStream out;
  private final Set<String> started = new HashSet<>();

  /** Passed versions waiting for the registry: request id by model and version. */
  private final Map<String, Map<Integer, String>> awaitingPromotion = new LinkedHashMap<>();

  private final Thread thread;
  private volatile boolean running = true;
  private long nextAliasPoll;

  ServeWatch(String bootstrapServers, ModelStore store, PrintStream out) {
    this.store = store;
    this.out = out;
    consumer = TopicTail.fromNow(bootstrapServers, "lethe-pipeline-serve-watch", TYPES.keySet());
    thread = new Thread(this::run, "lethe-pipeline-serve-watch");
    thread.setDaemon(true);
  }

  ServeWatch start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          Object value;
          try {
            value = codec.decode(r.value(), TYPES.get(r.topic()));
          } catch (ContractViolation e) {
            continue; // the services dead-letter what they cannot read
          }
          seen(value);
        }
        pollAliases();
      }
    } catch (WakeupException stopping) {
      // close()
    } catch (RuntimeException e) {
      line("watch: stopped following requests: %s", e);
    } finally {
      consumer.close();
    }
  }

  private void seen(Object value) {
    if (value instanceof ForgetRequest f) {
      line(
          "request %s: emitted for %s v%d (%d subject(s), %s)",
          f.requestId(), f.modelId(), f.baseVersion(), f.subjectIds().size(), f.method());
    } else if (value instanceof JobProgress p) {
      if (started.add(p.requestId())) {
        line("request %s: unlearning started", p.requestId());
      }
    } else if (value instanceof UnlearningResult u) {
      started.remove(u.requestId());
      if (u.status() == UnlearningResult.Status.SUCCEEDED && !u.madeNewVersion()) {
        line(
            "request %s: every subject already forgotten by %s v%d, no new version needed",
            u.requestId(), u.modelId(), u.version());
      } else if (u.status() == UnlearningResult.Status.SUCCEEDED) {
        line(
            "request %s: unlearned as %s v%d in %.1f s",
            u.requestId(), u.modelId(), u.version(), u.seconds());
      } else {
        line("request %s: unlearning FAILED: %s", u.requestId(), u.error());
      }
    } else if (value instanceof EvaluationReportMessage e) {
      line(
          "request %s: %s v%d evaluated, %s (forgetting score %.3f, test accuracy %.3f)",
          e.requestId(),
          e.modelId(),
          e.version(),
          e.passed() ? "passed its gates" : "FAILED its gates, not promoted",
          e.forgettingScore(),
          e.testAccuracy());
      if (e.passed()) {
        awaitingPromotion
            .computeIfAbsent(e.modelId(), k -> new LinkedHashMap<>())
            .put(e.version(), e.requestId());
      }
    }
  }

  private void pollAliases() {
    if (awaitingPromotion.isEmpty() || System.nanoTime() < nextAliasPoll) {
      return;
    }
    nextAliasPoll = System.nanoTime() + ALIAS_POLL.toNanos();
    for (Iterator<Map.Entry<String, Map<Integer, String>>> models =
            awaitingPromotion.entrySet().iterator();
        models.hasNext(); ) {
      Map.Entry<String, Map<Integer, String>> m = models.next();
      Optional<AliasHistory> alias;
      try {
        alias = store.aliasHistory(m.getKey(), RegistrySettings.DEFAULT_ALIAS);
      } catch (RuntimeException s3Down) {
        return; // next time
      }
      int current = alias.map(AliasHistory::current).orElse(-1);
      for (Iterator<Map.Entry<Integer, String>> versions = m.getValue().entrySet().iterator();
          versions.hasNext(); ) {
        Map.Entry<Integer, String> v = versions.next();
        if (current >= v.getKey()) {
          if (current == v.getKey()) {
            line(
                "request %s: promoted, %s production is v%d", v.getValue(), m.getKey(), v.getKey());
          } else {
            line(
                "request %s: v%d superseded, %s production is v%d",
                v.getValue(), v.getKey(), m.getKey(), current);
          }
          versions.remove();
        }
      }
      if (m.getValue().isEmpty()) {
        models.remove();
      }
    }
  }

  private void line(String format, Object... args) {
    String time = TIME.format(LocalTime.now(ZoneOffset.UTC));
    out.println(time + " " + String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /** Stops following; waits up to 5 s for the thread. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
