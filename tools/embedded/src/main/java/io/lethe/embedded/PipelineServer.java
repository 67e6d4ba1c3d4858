package io.lethe.embedded;

import io.lethe.api.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a started {@link EmbeddedPipeline} serving until asked to stop, then drains it: prints
 * where to send deletions and where the metrics are, follows every request on the console ({@link
 * ServeWatch}), and on {@link #stop()} (SIGTERM or Ctrl-C) stops taking new work (the intake), lets
 * a running unlearning job finish for at most the drain timeout, then stops worker, evaluator and
 * registry in that order. A job cut off by the timeout is not lost: the worker commits a request's
 * offset only after its result is acknowledged, so a restart on the same broker redelivers it.
 *
 * <p>Blocking: {@link #serve()} runs on the caller's thread until {@link #stop()} is called from
 * another one (a signal handler).
 */
final class PipelineServer {
  private static final Duration IDLE_POLL = Duration.ofMillis(200);

  private final EmbeddedPipeline pipeline;
  private final String bootstrapServers;
  private final Duration drainTimeout;
  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile String reason = "stop requested";

  PipelineServer(
      EmbeddedPipeline pipeline, String bootstrapServers, Duration drainTimeout, PrintStream out) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drain timeout must not be negative: " + drainTimeout);
    }
    this.drainTimeout = drainTimeout;
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Where to send deletions, the token file, the registry API and each service's metrics. */
  static void printEndpoints(EmbeddedPipeline pipeline, String bootstrapServers, PrintStream out) {
    out.println();
    out.printf(
        "deletions: POST http://127.0.0.1:%d/v1/deletions (Authorization: Bearer <submit token>)%n",
        pipeline.intakePort());
    out.printf("deletions: or Kafka topic %s on %s%n", Topics.DELETION_EVENTS, bootstrapServers);
    out.printf("tokens: %s (owner-only: admin=, read=, submit=)%n", pipeline.tokensFile());
    out.printf(
        "registry: API %s (e.g. GET /v1/models/%s/aliases/production, read token)%n",
        pipeline.registryApiUrl(), pipeline.modelId());
    for (Map.Entry<String, String> m : pipeline.metricsUrls().entrySet()) {
      out.printf("metrics: %-9s %s%n", m.getKey(), m.getValue());
    }
    out.flush();
  }

  /**
   * Serves until {@link #stop()}, then drains and closes the pipeline.
   *
   * @return {@code true} if the drain ended with no job running, {@code false} if the drain timeout
   *     cut a job off (it is redelivered after a restart)
   */
  boolean serve() throws InterruptedException {
    printEndpoints(pipeline, bootstrapServers, out);
    ServeWatch watch = new ServeWatch(bootstrapServers, pipeline.store(), out).start();
    out.printf(
        "serving: one line per request below; SIGTERM or Ctrl-C drains (up to %s) and stops%n",
        drainTimeout);
    out.flush();
    try {
      stopRequested.await();
      return drain();
    } finally {
      watch.close();
      long t0 = System.nanoTime();
      pipeline.close();
      out.printf(
          Locale.ROOT,
          "stopped: worker, evaluator and registry in %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      out.flush();
    }
  }

  private boolean drain() throws InterruptedException {
    long t0 = System.nanoTime();
    out.printf("draining (%s): the intake stops taking deletions%n", reason);
    out.flush();
    pipeline.stopIntake();
    long deadline = t0 + drainTimeout.toNanos();
    int running = pipeline.runningJobs();
    if (running > 0) {
      out.printf(
          "draining: waiting for %d running unlearning job(s), up to %s%n", running, drainTimeout);
      out.flush();
    }
    while (running > 0 && System.nanoTime() < deadline) {
      Thread.sleep(IDLE_POLL.toMillis());
      running = pipeline.runningJobs();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (running > 0) {
      out.printf(
          Locale.ROOT,
          "draining: drain timeout after %.1f s with %d job(s) running: stopping anyway (they are"
              + " redelivered after a restart)%n",
          seconds,
          running);
    } else {
      out.printf(Locale.ROOT, "draining: no job running after %.1f s%n", seconds);
    }
    out.flush();
    return running == 0;
  }

  /** Asks {@link #serve()} to drain and return; safe from any thread, more than once. */
  void stop(String why) {
    if (stopRequested.getCount() > 0) {
      reason = why;
      stopRequested.countDown();
    }
  }
}
