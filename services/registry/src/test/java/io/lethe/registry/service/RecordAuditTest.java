package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.AuditEvent;
import io.lethe.api.ForgetRequest;
import io.lethe.api.MessageCodec;
import io.lethe.api.Method;
import io.lethe.api.RequestState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecordAuditTest {
  private static final Instant AT = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void aRequestCoalescingManyEventsKeepsWholeIdsAndTheirCount() {
    // 10,000 events (the contract's most per request) of 30-character ids: far more than an audit
    // entry's 2,000 characters.
    List<String> ids =
        IntStream.range(0, 10_000).mapToObj(i -> String.format("evt-%026d", i)).toList();
    ForgetRequest fr =
        new ForgetRequest(
            "r1",
            "c-r1",
            "m",
            1,
            Method.DLFD,
            Map.of(),
            List.of("s1"),
            List.of("s1-0"),
            ids,
            "sha256:" + "ab".repeat(32),
            AT);
    RequestState state =
        new RequestState("r1", RequestState.State.EMITTED, List.of("k-r1"), fr, AT, null, AT);

    AuditEvent entry = RecordAudit.of(state);

    assertThat(entry.data()).containsEntry("sourceEvents", 10_000);
    String listed = (String) entry.data().get("sourceEventIds");
    assertThat(listed.length()).isLessThanOrEqualTo(RecordAudit.MAX_TEXT);
    List<String> kept = Arrays.asList(listed.split(","));
    assertThat(kept).hasSizeGreaterThan(10).isEqualTo(ids.subList(0, kept.size()));
    // The entry is valid under audit-event.v1 (the codec validates on the way out and in).
    MessageCodec codec = new MessageCodec();
    assertThat(codec.decode(codec.encode(entry), AuditEvent.class)).isEqualTo(entry);
  }
}
