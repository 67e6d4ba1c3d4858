package io.lethe.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Headers;
import io.lethe.api.MessageCodec;
import io.lethe.service.config.KafkaSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterWriterTest {
  private final Vertx vertx = Vertx.vertx();
  private final DeadLetterWriter writer =
      new DeadLetterWriter(
          new ContractProducer(
              vertx, new KafkaSettings("localhost:9", "t", "t"), new MessageCodec()),
          "dlq",
          100_000);

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aWholeDeadLetterKeepsKeyValueAndHeadersAndItsSizeCountsThemAll() {
    ConsumerRecord<byte[], byte[]> r = record(new byte[50_000], new byte[60_000]);
    ProducerRecord<byte[], byte[]> whole = writer.whole(r, "not valid JSON");

    assertThat(whole.value()).isEqualTo(r.value());
    assertThat(whole.key()).isEqualTo(r.key());
    assertThat(whole.headers().lastHeader("big").value()).hasSize(60_000);
    assertThat(header(whole, Headers.DLQ_REASON)).isEqualTo("not valid JSON");
    // The value alone is under the limit, value plus headers is not: the pre-check must see both.
    assertThat(DeadLetterWriter.estimatedSize(whole)).isGreaterThan(110_000);
  }

  @Test
  void aTruncatedDeadLetterIsSmallAndIdentifiesTheOriginal() {
    byte[] value = new byte[1_000_000];
    Arrays.fill(value, (byte) 'x');
    value[0] = (byte) 0xff;
    ConsumerRecord<byte[], byte[]> r = record(value, new byte[40_000]);
    ProducerRecord<byte[], byte[]> t = writer.truncated(r, "not valid JSON", 1_040_123);

    assertThat(DeadLetterWriter.estimatedSize(t)).isLessThan(4096);
    JsonObject body = new JsonObject(new String(t.value(), StandardCharsets.UTF_8));
    assertThat(body.getString("sha256")).isEqualTo(DeadLetterWriter.sha256(value)).hasSize(64);
    assertThat(body.getInteger("originalValueBytes")).isEqualTo(1_000_000);
    assertThat(body.getLong("originalRecordBytes")).isEqualTo(1_040_123);
    assertThat(body.getString("sourceTopic")).isEqualTo("events");
    assertThat(body.getInteger("partition")).isEqualTo(3);
    assertThat(body.getLong("offset")).isEqualTo(42);
    assertThat(body.getString("reason")).isEqualTo("not valid JSON");
    assertThat(Base64.getDecoder().decode(body.getString("head")))
        .isEqualTo(Arrays.copyOf(value, DeadLetterWriter.HEAD_BYTES));
    assertThat(t.key()).isEqualTo(r.key());
    assertThat(header(t, DeadLetterWriter.TRUNCATED)).isEqualTo("1040123");
    assertThat(header(t, Headers.DLQ_SOURCE_TOPIC)).isEqualTo("events");
    assertThat(header(t, Headers.CORRELATION_ID)).isEqualTo("c-1");
    assertThat(t.headers().lastHeader("big")).isNull(); // what made it too large is not copied
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value, byte[] bigHeader) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>("events", 3, 42, "k".getBytes(StandardCharsets.UTF_8), value);
    r.headers().add(Headers.CORRELATION_ID, "c-1".getBytes(StandardCharsets.UTF_8));
    r.headers().add("big", bigHeader);
    return r;
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
