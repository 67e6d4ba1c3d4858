package io.lethe.bench.intake;

import io.lethe.infra.LocalKafka;
import io.lethe.service.auth.TokenHash;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * How fast the intake takes deletion events, beside what the same broker takes from a raw producer
 * in the same run, and how many events become one forget request (the coalescing factor).
 *
 * <ol>
 *   <li><b>Raw producer:</b> {@code --events} deletion events (the intake's own payloads) sent by a
 *       plain {@code KafkaProducer} (acks=all) to a scratch topic: records/s from the first send to
 *       the flush.
 *   <li><b>Kafka backlog:</b> the same events sent to the intake's input topic <em>before</em> the
 *       intake starts; then the real {@link IntakeService} (in this JVM, JSON catalog, one model)
 *       is started and timed until it has read every event (events/s) and until its group has
 *       committed every offset (drain, which includes the last coalescing window).
 *   <li><b>HTTP:</b> {@code --http-clients} threads post {@code --http-events} new deletions to
 *       {@code POST /v1/deletions}; each 202 means the event is on the topic.
 * </ol>
 *
 * <p>The options are {@link IntakeOptions}; {@link IntakeRun} measures, {@link IntakeFigures} is
 * the table.
 */
@Command(
    name = "intake",
    mixinStandardHelpOptions = true,
    description =
        "Intake throughput over Kafka (a backlog) and HTTP beside a raw producer on the same"
            + " broker, and the coalescing factor (events per forget request).")
public final class IntakeBenchmark implements Callable<Integer> {
  @Mixin IntakeOptions options;

  /** The bench's own submit token, fresh per run (the intake accepts only its hash). */
  private final String token = TokenHash.newToken();

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(options.dir);
    LocalKafka kafka = null;
    String bootstrap = options.bootstrap;
    if (bootstrap == null) {
      kafka = LocalKafka.builder(options.dir.resolve("kafka-" + UUID.randomUUID())).build().start();
      bootstrap = kafka.bootstrapServers();
    }
    try {
      String table = new IntakeRun(options, bootstrap, token).run().table();
      System.out.print(table);
      if (options.out != null) {
        Files.createDirectories(options.out.toAbsolutePath().getParent());
        Files.writeString(options.out, table);
      }
      return 0;
    } finally {
      if (kafka != null) {
        kafka.stop();
      }
    }
  }
}
