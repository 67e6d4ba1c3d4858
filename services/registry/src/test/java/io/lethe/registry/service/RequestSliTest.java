package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.ForgetRequest;
import io.lethe.api.Method;
import io.lethe.api.RequestState;
import io.lethe.service.metrics.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestSliTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private final Metrics metrics = new Metrics("registry");
  private final RequestSli sli = new RequestSli(metrics, Clock.fixed(NOW, ZoneOffset.UTC));

  private static RequestState state(String id, String model, RequestState.State s, Instant at) {
    ForgetRequest fr =
        new ForgetRequest(
            id,
            "c-" + id,
            model,
            1,
            Method.DLFD,
            Map.of(),
            List.of("x"),
            List.of("x-0"),
            List.of("e-" + id),
            "sha256:" + "ab".repeat(32),
            at);
    return new RequestState(id, s, List.of("k-" + id), fr, at, null, at);
  }

  private String scrape() {
    return metrics.registry().scrape();
  }

  @Test
  void theOldestOpenRequestAgesUntilAPromotionHonoursItAndIsObservedOnce() {
    sli.onState(state("r1", "m", RequestState.State.EMITTING, NOW.minusSeconds(7200)));
    sli.onState(state("r1", "m", RequestState.State.EMITTED, NOW.minusSeconds(7100)));
    sli.onState(state("r2", "m", RequestState.State.EMITTED, NOW.minusSeconds(60)));

    assertThat(scrape())
        .contains("lethe_registry_oldest_unhonoured_request_age_seconds{model=\"m\"} 7200.0");

    sli.onServed("m", Set.of("r1", "unrelated"), NOW.minusSeconds(3600));
    sli.onServed("m", Set.of("r1"), NOW); // a later move honouring it again: not observed twice

    assertThat(scrape())
        .contains("lethe_registry_oldest_unhonoured_request_age_seconds{model=\"m\"} 60.0")
        .contains("lethe_registry_deletion_to_promotion_seconds_count{model=\"m\"} 1")
        .contains("lethe_registry_deletion_to_promotion_seconds_sum{model=\"m\"} 3600.0")
        .contains(
            "lethe_registry_deletion_to_promotion_seconds_bucket{model=\"m\",le=\"3600.0\"} 1");
  }

  @Test
  void failedRequestsLeaveTheOpenSetUnobserved() {
    sli.onState(state("r1", "m", RequestState.State.EMITTED, NOW.minusSeconds(100)));
    sli.onState(state("r2", "m", RequestState.State.EMITTED, NOW.minusSeconds(50)));

    sli.onState(state("r1", "m", RequestState.State.FAILED, NOW.minusSeconds(10)));
    sli.onFailed("r2");

    assertThat(sli.openCount()).isZero();
    assertThat(scrape())
        .contains("lethe_registry_oldest_unhonoured_request_age_seconds{model=\"m\"} 0.0")
        .contains("lethe_registry_deletion_to_promotion_seconds_count{model=\"m\"} 0");
  }

  @Test
  void anotherModelsPromotionHonoursNothingHere() {
    sli.onState(state("r1", "m", RequestState.State.EMITTED, NOW.minusSeconds(100)));

    sli.onServed("other", Set.of("r1"), NOW);

    assertThat(sli.openCount()).isEqualTo(1);
  }
}
