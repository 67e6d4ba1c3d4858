package io.lethe.bench.intake;

import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The intake benchmark's side of the broker: creates the run's topics, sends payloads with a plain
 * producer, waits for a group's commits and counts the forget requests that cover a run's events.
 */
final class IntakeKafka {
  private final String bootstrap;
  private final MessageCodec codec = new MessageCodec();

  IntakeKafka(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** Creates each topic with one partition. */
  void createTopics(List<String> names) throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String t : names) {
        topics.add(new NewTopic(t, 1, (short) 1));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** Sends every payload with a plain producer; returns records/s from first send to flush. */
  double produce(String topic, List<byte[]> payloads, String run) {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.partitionsFor(topic);
      long t0 = System.nanoTime();
      for (int i = 0; i < payloads.size(); i++) {
        producer.send(
            new ProducerRecord<>(
                topic, ("k-" + run + "-" + i).getBytes(StandardCharsets.UTF_8), payloads.get(i)));
      }
      producer.flush();
      return payloads.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Waits until {@code group} has committed {@code topic}'s end; seconds since {@code t0}. */
  double awaitCommitted(String topic, String group, long t0) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (Admin admin = admin()) {
      long end =
          admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
      while (System.nanoTime() < deadline) {
        OffsetAndMetadata c =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        if (c != null && c.offset() >= end) {
          return (System.nanoTime() - t0) / 1e9;
        }
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("the intake did not commit " + topic + " in 10 minutes");
  }

  /** Waits until requests on {@code topic} cover {@code n} events with ids starting {@code p}. */
  int requestsCovering(String topic, String prefix, int n) {
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            MessageCodec.MAX_BYTES + 65536);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Set<String> covered = new HashSet<>();
      int requests = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (covered.size() < n && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          ForgetRequest fr = codec.decode(r.value(), ForgetRequest.class);
          if (fr.sourceEventIds().stream().anyMatch(id -> id.startsWith(prefix))) {
            requests++;
            fr.sourceEventIds().stream().filter(id -> id.startsWith(prefix)).forEach(covered::add);
          }
        }
      }
      if (covered.size() < n) {
        throw new IllegalStateException("only " + covered.size() + " of " + n + " were covered");
      }
      return requests;
    }
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
