package io.lethe.bench.load;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Whether the worker was running a job while a phase ran: sampled every 100 ms, as a fraction of
 * the samples since {@link #mark()}.
 */
final class WorkerBusy implements AutoCloseable {
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "load-bench-worker-busy");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong busy = new AtomicLong();

  /**
   * @param runningJobs how many jobs the worker runs now
   */
  WorkerBusy(IntSupplier runningJobs) {
    sampler.scheduleAtFixedRate(
        () -> {
          samples.incrementAndGet();
          if (runningJobs.getAsInt() > 0) {
            busy.incrementAndGet();
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  /** Starts a new phase. */
  void mark() {
    samples.set(0);
    busy.set(0);
  }

  /** The fraction of samples since {@link #mark()} that saw a job running; NaN when none. */
  double fraction() {
    long n = samples.get();
    return n == 0 ? Double.NaN : busy.get() / (double) n;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
