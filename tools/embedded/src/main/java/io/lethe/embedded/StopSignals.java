package io.lethe.embedded;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for a serving pipeline: the first asks it to drain and stop (so the process
 * exits with status 0 once drained, not with the JVM's 143); a second one exits at once with 130,
 * the shutdown hook stopping what is left.
 */
final class StopSignals {
  private StopSignals() {}

  static void install(Consumer<String> stop) {
    AtomicInteger signals = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            if (signals.incrementAndGet() == 1) {
              stop.accept("SIG" + s.getName());
            } else {
              System.err.println("lethe-pipeline: second signal: stopping without draining");
              new Thread(() -> System.exit(130), "lethe-pipeline-exit").start();
            }
          });
    }
  }
}
