package io.lethe.bench.intake;

import io.lethe.intake.IntakeService;
import io.lethe.intake.IntakeSettings;
import io.lethe.intake.JsonModelCatalog;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.auth.ApiTokens;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.auth.Scope;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.config.KafkaSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One intake benchmark on a broker: the raw producer, then the real {@link IntakeService} on a
 * Kafka backlog, then over HTTP; logs each step to standard error and returns the figures.
 */
final class IntakeRun {
  private final IntakeOptions o;
  private final String bootstrap;
  private final String token;
  private final IntakePayloads payloads;
  private final IntakeKafka kafka;

  /**
   * @param bootstrap the broker
   * @param token the bench's own submit token (the intake accepts only its hash)
   */
  IntakeRun(IntakeOptions options, String bootstrap, String token) {
    this.o = options;
    this.bootstrap = bootstrap;
    this.token = token;
    this.payloads = new IntakePayloads(options.subjects);
    this.kafka = new IntakeKafka(bootstrap);
  }

  IntakeFigures run() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String raw = "bench.raw." + run;
    String in = "bench.in." + run;
    String forget = "bench.out." + run;
    kafka.createTopics(List.of(raw, in, forget, "bench.dlq." + run));
    List<byte[]> events = new ArrayList<>(o.events);
    for (int i = 0; i < o.events; i++) {
      events.add(payloads.event("k-" + run + "-" + i, i));
    }
    System.err.printf(
        Locale.ROOT,
        "intake bench: %,d events, window %s, broker %s%n",
        o.events,
        o.window,
        bootstrap);

    double rawRate = kafka.produce(raw, events, run);
    System.err.printf(Locale.ROOT, "raw producer: %,.0f records/s%n", rawRate);
    kafka.produce(in, events, run);

    Path catalog = o.dir.resolve("catalog-" + run + ".json");
    Files.writeString(catalog, payloads.catalogJson());
    Metrics metrics = new Metrics("intake");
    IntakeSettings settings =
        new IntakeSettings(
            new KafkaSettings(bootstrap, "bench-intake-" + run, "bench-intake-" + run),
            HttpSettings.ephemeral(),
            o.window,
            catalog,
            AuthSettings.of(
                ApiTokens.parse(
                    ApiTokens.line("bench", EnumSet.of(Scope.SUBMIT), token), "bench token")));
    Vertx vertx = Vertx.vertx();
    IntakeService[] service = new IntakeService[1];
    try {
      long t0 = System.nanoTime();
      vertx
          .deployVerticle(
              new ComponentVerticle(
                  v -> {
                    service[0] =
                        new IntakeService(v, settings, JsonModelCatalog.load(catalog), metrics)
                            .optTopics(in, forget, "bench.dlq." + run)
                            .optLedgerTopic("bench.ledger." + run);
                    return service[0];
                  }))
          .toCompletionStage()
          .toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      double firstSeconds = awaitReceived(metrics, 1, t0);
      double readSeconds = awaitReceived(metrics, o.events, t0);
      double drainSeconds = kafka.awaitCommitted(in, "bench-intake-" + run, t0);
      int kafkaRequests = kafka.requestsCovering(forget, "e-", o.events);
      // From the first event read to the last: the rate on the backlog, without start-up (joining
      // the group, reading the ledger), which a running intake does not pay.
      double kafkaRate = (o.events - 1) / (readSeconds - firstSeconds);
      System.err.printf(
          Locale.ROOT,
          "intake over Kafka: first event read %.2f s after the start, all %,d read after %.2f s"
              + " (%,.0f events/s on the backlog), all committed after %.2f s, %d forget"
              + " request(s)%n",
          firstSeconds,
          o.events,
          readSeconds,
          kafkaRate,
          drainSeconds,
          kafkaRequests);

      String base = "http://127.0.0.1:" + service[0].httpPort();
      long h0 = System.nanoTime();
      int posted =
          new HttpDeletions(o.httpEvents, o.httpClients, token, payloads).postAll(base, run);
      double httpSeconds = (System.nanoTime() - h0) / 1e9;
      int httpRequests = kafka.requestsCovering(forget, "h-", posted);
      double httpRate = posted / httpSeconds;
      System.err.printf(
          Locale.ROOT,
          "intake over HTTP: %,d accepted (202) in %.2f s (%,.0f requests/s), %d forget"
              + " request(s)%n",
          posted,
          httpSeconds,
          httpRate,
          httpRequests);
      return new IntakeFigures(
          o.events,
          rawRate,
          kafkaRate,
          kafkaRequests,
          o.httpClients,
          posted,
          httpRate,
          httpRequests,
          o.window,
          o.subjects,
          firstSeconds,
          drainSeconds);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private double awaitReceived(Metrics metrics, int n, long t0) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (metrics.counter("requests_received", "source", "kafka").count() >= n) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the intake did not read " + n + " events in 10 minutes");
  }
}
