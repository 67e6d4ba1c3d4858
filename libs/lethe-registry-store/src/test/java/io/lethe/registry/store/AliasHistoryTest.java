package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.registry.store.AliasHistory.Action;
import io.lethe.registry.store.AliasHistory.Entry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AliasHistoryTest {
  private static final Instant T = Instant.parse("2025-01-31T12:00:00Z");

  private static AliasHistory history(Entry... entries) {
    return new AliasHistory("m", "production", List.of(entries));
  }

  @Test
  void rollbacksUndoPromotionsInReverseOrderWithoutPingPong() {
    AliasHistory h =
        history(
            new Entry(1, T, Action.PROMOTE),
            new Entry(2, T, Action.PROMOTE),
            new Entry(3, T, Action.PROMOTE),
            new Entry(2, T, Action.ROLLBACK));

    assertThat(h.current()).isEqualTo(2);
    assertThat(h.rollbackStack()).containsExactly(1, 2);
  }

  @Test
  void aFirstPromotionHasNothingToRollBackTo() {
    assertThat(history(new Entry(4, T, Action.PROMOTE)).rollbackStack()).containsExactly(4);
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    ObjectMapper mapper = MessageCodec.newObjectMapper();
    AliasHistory h = history(new Entry(1, T, Action.PROMOTE), new Entry(2, T, Action.PROMOTE));

    String json = mapper.writeValueAsString(h);

    assertThat(json).contains("\"action\":\"promote\"");
    assertThat(mapper.readValue(json, AliasHistory.class)).isEqualTo(h);
  }

  @Test
  void refusesAnEmptyHistoryAndBadNames() {
    assertThatThrownBy(() -> new AliasHistory("m", "production", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty history");
    assertThatThrownBy(() -> history().with(new Entry(1, T, Action.PROMOTE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new AliasHistory("m", "Prod/../x", List.of(new Entry(1, T, Action.PROMOTE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alias 'Prod/../x' is invalid");
  }
}
