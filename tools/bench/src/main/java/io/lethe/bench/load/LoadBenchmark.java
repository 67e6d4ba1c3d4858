package io.lethe.bench.load;

import io.lethe.api.ComplianceReport;
import io.lethe.api.ForgetRequest;
import io.lethe.api.Topics;
import io.lethe.embedded.EmbeddedPipeline;
import io.lethe.embedded.EmbeddedRuntime;
import io.lethe.embedded.ServerConnections;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.infra.LocalServers;
import io.lethe.intake.IntakeSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Deletion events into a running pipeline (intake, worker, evaluator and registry in one process on
 * local Kafka and S3, a small CNN on Fashion-MNIST), over Kafka and HTTP, while the worker is
 * unlearning: how fast the intake takes them beside a raw producer on the same broker, how many
 * events become one unlearning job, and how long from acceptance to the promoted version that
 * honours them. See tools/bench/results/load/README.md.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Deletion events into the whole running pipeline, over Kafka and HTTP, with the worker"
          + " unlearning: intake events/s as a multiple of a raw producer's rate on the same"
          + " broker in the same run, events per unlearning job (coalescing), and"
          + " deletion-to-promotion latency p50/p95 from the registry's compliance reports.",
      "Phases: (1) priming events start a job (and warm the intake up); (2) raw producer, after"
          + " as many untimed warm-up records: the Kafka burst's events to a scratch topic;"
          + " (3) Kafka burst into lethe.deletion-events; (4) HTTP burst from several clients; (5) sustained: --rate events/s for --duration, alternating Kafka"
          + " and HTTP, one new subject per event; then every request is followed to"
          + " promotion."
    })
public final class LoadBenchmark implements Callable<Integer> {
  private static final String PRIMING = "p";
  private static final String KAFKA = "k";
  private static final String HTTP = "h";
  private static final String SUSTAINED = "s";

  @Option(
      names = "--warmup-events",
      description =
          "Priming events (one request, over --burst-subjects subjects; they warm the intake up)"
              + " and as many untimed raw-producer records first (${DEFAULT-VALUE}).")
  int warmupEvents = 10_000;

  @Option(names = "--kafka-events", description = "Kafka burst size (${DEFAULT-VALUE}).")
  int kafkaEvents = 50_000;

  @Option(names = "--http-events", description = "HTTP burst size (${DEFAULT-VALUE}).")
  int httpEvents = 10_000;

  @Option(names = "--http-clients", description = "Concurrent HTTP clients (${DEFAULT-VALUE}).")
  int httpClients = 32;

  @Option(
      names = "--burst-subjects",
      description = "Subjects each burst's events cycle over (${DEFAULT-VALUE}).")
  int burstSubjects = 5;

  @Option(names = "--rate", description = "Sustained phase, events/s (${DEFAULT-VALUE}).")
  double rate = 1;

  @Option(
      names = "--duration",
      description = "Sustained phase length, ISO-8601 (${DEFAULT-VALUE}).")
  Duration duration = Duration.ofSeconds(60);

  @Option(
      names = "--window",
      description = "Intake coalescing window, ISO-8601 (${DEFAULT-VALUE}: the intake's default).")
  Duration window = IntakeSettings.DEFAULT_WINDOW;

  @Option(names = "--train-limit", description = "Training pool images (${DEFAULT-VALUE}).")
  int trainLimit = 2000;

  @Option(names = "--epochs", description = "Epochs of the original (${DEFAULT-VALUE}).")
  int epochs = 5;

  @Option(
      names = "--timeout",
      description = "How long every request may take to be promoted (${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(15);

  @Option(names = "--dir", description = "Scratch folder (default ${DEFAULT-VALUE}).")
  Path dir = Path.of("target", "load-bench");

  @Option(names = "--out", description = "Also write the table to this Markdown file.")
  Path out;

  @Option(names = "--verbose", description = "Show the services' logs.")
  boolean verbose;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final PrintStream log = System.err;

  @Override
  public Integer call() throws Exception {
    if (kafkaEvents < 1
        || httpEvents < 1
        || httpClients < 1
        || burstSubjects < 1
        || warmupEvents < 1
        || warmupEvents > 10_000
        || rate <= 0) {
      throw new IllegalArgumentException(
          "--kafka-events, --http-events, --http-clients, --burst-subjects, --warmup-events (at"
              + " most 10,000: one request) and --rate must be positive");
    }
    EmbeddedRuntime.configure(verbose);
    Path runDir = dir.resolve("run-" + run);
    Files.createDirectories(runDir);
    long started = System.nanoTime();
    log.printf("load bench %s: starting Kafka and S3 under %s%n", run, runDir);
    try (LocalServers servers = new LocalServers(runDir.resolve("servers")).start()) {
      ServerConnections connections = ServerConnections.of(servers);
      DatasetSource source =
          DatasetSource.idx(
              "fashion-mnist",
              IdxDatasetReader.FASHION_MNIST_DIR,
              trainLimit,
              1000,
              10,
              0.25,
              0,
              1);
      try (EmbeddedPipeline pipeline =
          EmbeddedPipeline.builder(connections, source, runDir)
              .optModelId("load-bench")
              .optBucket("lethe-load-" + run)
              .optTraining(
                  TrainingRecipe.builder().optEpochs(epochs).optSeed(1).build(),
                  EmbeddedPipeline::smallCnn)
              .optCoalesceWindow(window)
              .optServing("load-" + run, runDir.resolve("api-tokens"))
              .optLog(log)
              .build()
              .start()) {
        String table = measure(pipeline, connections.kafkaBootstrapServers());
        System.out.print(table);
        if (out != null) {
          Path parent = out.toAbsolutePath().getParent();
          Files.createDirectories(parent);
          Files.writeString(out, table);
        }
        log.printf(
            Locale.ROOT,
            "load bench %s: done in %.1f min%n",
            run,
            (System.nanoTime() - started) / 60e9);
        return 0;
      }
    }
  }

  private String measure(EmbeddedPipeline pipeline, String bootstrap) throws Exception {
    List<String> subjects =
        new ArrayList<>(
            UnlearningSplit.pickSubjects(
                pipeline.dataset(),
                3 * burstSubjects + (int) Math.ceil(rate * duration.toSeconds()),
                11));
    List<String> priming = subjects.subList(0, burstSubjects);
    List<String> kafkaSubjects = subjects.subList(burstSubjects, 2 * burstSubjects);
    List<String> httpSubjects = subjects.subList(2 * burstSubjects, 3 * burstSubjects);
    List<String> sustainedSubjects = subjects.subList(3 * burstSubjects, subjects.size());

    String intakeBase = "http://127.0.0.1:" + pipeline.intakePort();
    ServiceMetrics intake = new ServiceMetrics(pipeline.metricsUrls().get("intake"));
    WorkerBusy busy = new WorkerBusy(pipeline::runningJobs);
    LoadTable table = new LoadTable(window, httpClients);
    Map<String, Instant> sentAt = new ConcurrentHashMap<>();
    try (DeletionTraffic traffic =
            new DeletionTraffic(bootstrap, intakeBase, pipeline.tokens().submit(), run);
        busy) {
      // (1) Priming: one event per subject; the job they become keeps the worker busy.
      // (1) Priming: --warmup-events over the priming subjects, one request, whose job keeps the
      // worker busy; they also warm the intake up (JIT), as the raw producer is warmed up below.
      List<byte[]> primingPayloads = burst(traffic, PRIMING, warmupEvents, priming);
      traffic.produce(Topics.DELETION_EVENTS, primingPayloads);
      table.phase(
          PRIMING,
          "Priming and warm-up (Kafka; starts a job)",
          warmupEvents,
          Double.NaN,
          Double.NaN);
      log.printf("priming: %,d events sent; waiting for the worker to start a job%n", warmupEvents);
      long waitUntil = System.nanoTime() + window.plusMinutes(2).toNanos();
      while (pipeline.runningJobs() == 0 && System.nanoTime() < waitUntil) {
        Thread.sleep(100);
      }

      // (2) Raw producer: the Kafka burst's payloads to a scratch topic of the same shape.
      String raw = "bench.raw." + run;
      createLike(bootstrap, raw);
      traffic.produce(raw, burst(traffic, "w", warmupEvents, kafkaSubjects)); // warm-up
      List<byte[]> rawPayloads = burst(traffic, "r", kafkaEvents, kafkaSubjects);
      busy.mark();
      double rawSeconds = traffic.produce(raw, rawPayloads);
      table.raw(kafkaEvents, rawSeconds, busy.fraction());
      log.printf(Locale.ROOT, "raw producer: %,.0f records/s%n", kafkaEvents / rawSeconds);

      // (3) Kafka burst: timed from the first send until the intake has read every event.
      List<byte[]> kafkaPayloads = burst(traffic, KAFKA, kafkaEvents, kafkaSubjects);
      double before = intake.value("lethe_intake_requests_received_total", "source=\"kafka\"");
      busy.mark();
      long k0 = System.nanoTime();
      traffic.produce(Topics.DELETION_EVENTS, kafkaPayloads);
      while (intake.value("lethe_intake_requests_received_total", "source=\"kafka\"")
          < before + kafkaEvents) {
        if (System.nanoTime() - k0 > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("the intake did not read the Kafka burst in 10 min");
        }
        Thread.sleep(20);
      }
      table.phase(
          KAFKA, "Kafka burst", kafkaEvents, (System.nanoTime() - k0) / 1e9, busy.fraction());
      log.printf("kafka burst: %,d events read by the intake%n", kafkaEvents);

      // (4) HTTP burst: each 202 means the event is on the topic.
      List<byte[]> httpPayloads = burst(traffic, HTTP, httpEvents, httpSubjects);
      busy.mark();
      double httpSeconds = traffic.postAll(httpPayloads, httpClients);
      table.phase(HTTP, "HTTP burst", httpEvents, httpSeconds, busy.fraction());
      log.printf("http burst: %,d events accepted%n", httpEvents);

      // (5) Sustained: one new subject per event, alternating Kafka and HTTP, at --rate.
      int sustained = sustainedSubjects.size();
      busy.mark();
      long s0 = System.nanoTime();
      long periodNanos = (long) (1e9 / rate);
      for (int i = 0; i < sustained; i++) {
        long due = s0 + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        byte[] payload = traffic.event(SUSTAINED, i, sustainedSubjects.get(i));
        sentAt.put(traffic.eventId(SUSTAINED, i), Instant.now());
        if (i % 2 == 0) {
          traffic.sendToKafka(payload, "s-" + i);
        } else {
          traffic.post(payload);
        }
      }
      table.phase(
          SUSTAINED,
          "Sustained, Kafka + HTTP",
          sustained,
          (System.nanoTime() - s0) / 1e9,
          busy.fraction());
      log.printf("sustained: %d events in %s%n", sustained, duration);

      // Every event is in a request (or needed none); follow each request to its promotion.
      RequestOutcomes outcomes =
          new RequestOutcomes(bootstrap, pipeline.registryApiUrl(), pipeline.tokens().read());
      outcomes.awaitIntakeCommitted(pipeline.consumerGroup("intake"), Duration.ofMinutes(2));
      List<ForgetRequest> requests = outcomes.requests();
      log.printf("%d forget requests; following each to its promotion%n", requests.size());
      Map<String, ComplianceReport> reports =
          outcomes.awaitFinal(
              requests.stream().map(ForgetRequest::requestId).toList(),
              timeout,
              r ->
                  log.printf(
                      "request %s %s (%d subjects)%n",
                      r.requestId(), r.status().name().toLowerCase(Locale.ROOT), r.subjects()));
      ServiceMetrics registry = new ServiceMetrics(pipeline.metricsUrls().get("registry"));
      double observed = registry.value("lethe_registry_deletion_to_promotion_seconds_count", null);
      return table.render(requests, reports, sentAt, run, observed);
    }
  }

  private static List<byte[]> burst(
      DeletionTraffic traffic, String phase, int events, List<String> subjects) {
    List<byte[]> out = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      out.add(traffic.event(phase, i, subjects.get(i % subjects.size())));
    }
    return out;
  }

  /** A scratch topic with as many partitions as {@code lethe.deletion-events}. */
  private static void createLike(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      int partitions =
          admin
              .describeTopics(List.of(Topics.DELETION_EVENTS))
              .allTopicNames()
              .get()
              .get(Topics.DELETION_EVENTS)
              .partitions()
              .size();
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }
}
