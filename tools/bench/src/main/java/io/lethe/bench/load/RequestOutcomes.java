package io.lethe.bench.load;

import io.lethe.api.ComplianceReport;
import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What became of the run's deletion events: the forget requests the intake made of them (read from
 * {@code lethe.forget-requests}) and each request's compliance report from the registry's API
 * ({@code GET /v1/requests/{id}/report}: accepted at, completed at, versions, gates).
 */
final class RequestOutcomes {
  /** Statuses after which a request's report no longer changes on its own. */
  private static final Set<ComplianceReport.Status> FINAL =
      EnumSet.of(ComplianceReport.Status.COMPLETED, ComplianceReport.Status.FAILED);

  private final MessageCodec codec = new MessageCodec();
  private final String bootstrap;
  private final URI registry;
  private final String readToken;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param registryApi the registry's HTTP root
   * @param readToken a bearer token with scope {@code read}
   */
  RequestOutcomes(String bootstrap, String registryApi, String readToken) {
    this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
    this.registry = URI.create(Objects.requireNonNull(registryApi, "registryApi"));
    this.readToken = Objects.requireNonNull(readToken, "readToken");
  }

  /**
   * Waits until consumer group {@code intakeGroup} has committed every deletion event now on {@code
   * lethe.deletion-events} (the intake commits an event once the request holding it is on {@code
   * lethe.forget-requests}, or once it knows no request is needed).
   */
  void awaitIntakeCommitted(String intakeGroup, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      Map<TopicPartition, Long> end = endOffsets(admin, Topics.DELETION_EVENTS);
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(intakeGroup).partitionsToOffsetAndMetadata().get();
        boolean all =
            end.entrySet().stream()
                .allMatch(
                    e ->
                        e.getValue() == 0
                            || (committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue()));
        if (all) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the intake did not commit every deletion event within " + timeout);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Every forget request now on {@code lethe.forget-requests}, in offset order per partition. */
  List<ForgetRequest> requests() throws Exception {
    List<ForgetRequest> out = new ArrayList<>();
    try (Admin admin = admin();
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                    MessageCodec.MAX_BYTES + 65536))) {
      Map<TopicPartition, Long> end = endOffsets(admin, Topics.FORGET_REQUESTS);
      consumer.assign(end.keySet());
      consumer.seekToBeginning(end.keySet());
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read lethe.forget-requests to its end");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(decode(r.value())));
      }
    }
    return out;
  }

  private ForgetRequest decode(byte[] value) {
    return codec.decode(value, ForgetRequest.class);
  }

  /**
   * How long requests whose versions all failed their gates are waited for once nothing else is
   * open: only a later request's passing version would honour them, and the run sends none.
   */
  private static final Duration GATES_FAILED_WAIT = Duration.ofSeconds(30);

  /**
   * Polls the reports of {@code requestIds} until each is completed or failed, or only requests
   * whose versions failed their gates remain ({@link #GATES_FAILED_WAIT} after the last change), or
   * {@code timeout} passes; {@code onChange} hears each newly final report.
   *
   * @return the last report of each request (final or not), by request id
   */
  Map<String, ComplianceReport> awaitFinal(
      List<String> requestIds, Duration timeout, Consumer<ComplianceReport> onChange)
      throws Exception {
    Map<String, ComplianceReport> last = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long changed = System.nanoTime();
    while (true) {
      for (String id : requestIds) {
        ComplianceReport before = last.get(id);
        if (before != null && FINAL.contains(before.status())) {
          continue;
        }
        Optional<ComplianceReport> now = report(id);
        if (now.isPresent()) {
          last.put(id, now.get());
          if (before == null || before.status() != now.get().status()) {
            changed = System.nanoTime();
            if (FINAL.contains(now.get().status())) {
              onChange.accept(now.get());
            }
          }
        }
      }
      boolean complete = last.size() == requestIds.size();
      boolean done = complete && last.values().stream().allMatch(r -> FINAL.contains(r.status()));
      boolean onlyGatesFailed =
          complete
              && last.values().stream()
                  .allMatch(
                      r ->
                          FINAL.contains(r.status())
                              || r.status() == ComplianceReport.Status.GATES_FAILED)
              && System.nanoTime() - changed > GATES_FAILED_WAIT.toNanos();
      if (done || onlyGatesFailed || System.nanoTime() > deadline) {
        return last;
      }
      Thread.sleep(1000);
    }
  }

  /** The registry's report on {@code requestId}, empty while it knows nothing of it (404). */
  Optional<ComplianceReport> report(String requestId) throws IOException, InterruptedException {
    URI uri = registry.resolve("/v1/requests/" + requestId + "/report");
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + readToken)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IOException(
          "GET "
              + uri
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return Optional.of(codec.decode(r.body(), ComplianceReport.class));
  }

  private Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    List<TopicPartition> partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    return admin
        .listOffsets(
            partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
        .all()
        .get()
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
