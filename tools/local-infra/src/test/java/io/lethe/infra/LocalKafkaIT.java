package io.lethe.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalKafkaIT {
  private static final Path ROOT =
      Paths.get("target", "it-servers", "kafka-" + UUID.randomUUID()).toAbsolutePath();
  private static LocalKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = LocalKafka.builder(ROOT.resolve("broker")).heap("384m").build().start();
    System.out.println("LocalKafka started in " + kafka.startTime().toMillis() + " ms");
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (kafka == null) {
      return;
    }
    int port = kafka.port();
    kafka.stop();
    assertThat(kafka.isRunning()).isFalse();
    // The port is free again.
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aGroupStartedAtTheEndSkipsEarlierRecordsAndReadsLaterOnes() throws Exception {
    String topic = "it-start-at-end";
    String group = "it-start-at-end-group";
    try (Admin admin = Admin.create(clientConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties producerConfig = clientConfig();
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      for (int i = 0; i < 6; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "old-" + i)).get(30, TimeUnit.SECONDS);
      }
      ConsumerGroups.startAtEnd(kafka.bootstrapServers(), group, List.of(topic));
      producer.send(new ProducerRecord<>(topic, "k0", "new")).get(30, TimeUnit.SECONDS);
    }

    Properties consumerConfig = clientConfig();
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      }
      // Anything older would have arrived in the same polls; give it one more chance.
      consumer.poll(Duration.ofSeconds(1)).forEach(r -> values.add(r.value()));
    }
    assertThat(values).containsExactly("new");
  }

  @Test
  void producesAndConsumesRecordsWithHeadersInAConsumerGroup() throws Exception {
    String topic = "it-records";
    String group = "it-group";
    try (Admin admin = Admin.create(clientConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(topic)
                  .partitions())
          .hasSize(3);
    }

    Properties producerConfig = clientConfig();
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      for (int i = 0; i < 10; i++) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(topic, "key-" + i, "value-" + i);
        record.headers().add("trace-id", ("trace-" + i).getBytes(StandardCharsets.UTF_8));
        record.headers().add("schema", "v1".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
    }

    Properties consumerConfig = clientConfig();
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < 10 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(received::add);
      }
      consumer.commitSync(Duration.ofSeconds(30));
    }

    assertThat(received).hasSize(10);
    assertThat(received.stream().map(ConsumerRecord::partition).distinct().count())
        .isGreaterThan(1);
    for (ConsumerRecord<String, String> record : received) {
      String n = record.key().substring("key-".length());
      assertThat(record.value()).isEqualTo("value-" + n);
      assertThat(
              new String(record.headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8))
          .isEqualTo("trace-" + n);
      assertThat(record.headers().toArray())
          .extracting(Header::key)
          .containsExactly("trace-id", "schema");
    }
    assertThat(received)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(
            "key-0", "key-1", "key-2", "key-3", "key-4", "key-5", "key-6", "key-7", "key-8",
            "key-9");

    // The group's committed offsets equal the end offsets of the three partitions.
    try (Admin admin = Admin.create(clientConfig())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      assertThat(committed.keySet()).hasSize(3);
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      long total = 0;
      for (TopicPartition tp : committed.keySet()) {
        assertThat(committed.get(tp).offset()).isEqualTo(ends.get(tp).offset());
        total += committed.get(tp).offset();
      }
      assertThat(total).isEqualTo(10);
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      assertThat(
              Set.copyOf(
                  admin.describeCluster().nodes().get().stream().map(n -> n.host()).toList()))
          .containsExactly("127.0.0.1");
    }
  }

  @Test
  void aSecondBrokerOnAnOccupiedPortFailsWithAClearMessage() {
    LocalKafka second = LocalKafka.builder(ROOT.resolve("second")).port(kafka.port()).build();
    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port 127.0.0.1:" + kafka.port() + " is already in use");
    assertThat(second.isRunning()).isFalse();
  }

  @Test
  void aBrokerWithABadConfigFailsToStartAndQuotesTheEndOfItsLog() {
    try (LocalKafka broken =
        LocalKafka.builder(ROOT.resolve("broken"))
            .serverProperty("num.network.threads", "not-a-number")
            .build()) {
      assertThatThrownBy(broken::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ends with:")
          .hasMessageContaining("num.network.threads");
      assertThat(broken.isRunning()).isFalse();
    }
  }

  private static Properties clientConfig() {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return config;
  }
}
