package io.lethe.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lethe.api.ContractViolation;
import io.lethe.api.DeletionEvent;
import io.lethe.api.MessageCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Classifies the codec's real decode failures, so a changed codec message fails here. */
class DeadLetterReasonTest {
  private final MessageCodec codec = new MessageCodec();

  @Test
  void emptyBytesAreEmpty() {
    assertThat(reasonOf(new byte[0])).isEqualTo(DeadLetterReason.EMPTY);
  }

  @Test
  void brokenJsonIsNotJson() {
    assertThat(reasonOf("{not json".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(DeadLetterReason.NOT_JSON);
  }

  @Test
  void oversizedBytesAreTooLarge() {
    assertThat(reasonOf(new byte[MessageCodec.MAX_BYTES + 1]))
        .isEqualTo(DeadLetterReason.TOO_LARGE);
  }

  @Test
  void jsonBreakingTheSchemaIsSchema() {
    assertThat(reasonOf("{\"eventId\": \"evt-2\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(DeadLetterReason.SCHEMA);
    assertThat(reasonOf("[]".getBytes(StandardCharsets.UTF_8))).isEqualTo(DeadLetterReason.SCHEMA);
  }

  @Test
  void tagsAreLowerCaseWords() {
    assertThat(DeadLetterReason.NOT_JSON.tag()).isEqualTo("not_json");
    assertThat(DeadLetterReason.TOO_LARGE.tag()).isEqualTo("too_large");
  }

  private DeadLetterReason reasonOf(byte[] bytes) {
    ContractViolation v =
        catchThrowableOfType(
            ContractViolation.class, () -> codec.decode(bytes, DeletionEvent.class));
    assertThat(v).as("decoding must fail").isNotNull();
    return DeadLetterReason.of(v);
  }
}
