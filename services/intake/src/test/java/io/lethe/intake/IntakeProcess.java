package io.lethe.intake;

import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An intake in its own JVM on test topics, for tests that kill it with SIGKILL ({@link
 * IntakeCrashIT}). Arguments: bootstrap, catalog file, input, output, dead-letter and ledger
 * topics, window in ms, HTTP port, group. Prints {@code READY} once started.
 */
public final class IntakeProcess {
  private IntakeProcess() {}

  public static void main(String[] a) throws Exception {
    Path catalog = Path.of(a[1]);
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(a[0], "crash-intake-" + ProcessHandle.current().pid(), a[8]),
            new HttpSettings(HttpSettings.DEFAULT_HOST, Integer.parseInt(a[7])),
            Duration.ofMillis(Long.parseLong(a[6])),
            catalog,
            AuthSettings.fromEnv()); // LETHE_API_TOKENS from the parent test
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(
            new ComponentVerticle(
                v ->
                    new IntakeService(
                            v, settings, JsonModelCatalog.load(catalog), new Metrics("intake"))
                        .optTopics(a[2], a[3], a[4])
                        .optLedgerTopic(a[5])
                        // A killed member's partitions move after 6 s, not the default 45 s.
                        .optConsumerProperty("session.timeout.ms", 6000)
                        .optConsumerProperty("heartbeat.interval.ms", 1000)))
        .onSuccess(id -> System.out.println("READY"))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }
}
