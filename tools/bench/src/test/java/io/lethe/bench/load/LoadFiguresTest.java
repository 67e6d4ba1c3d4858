package io.lethe.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadFiguresTest {
  @Test
  void percentilesAreNearestRank() {
    Latencies l = new Latencies();
    for (int s = 1; s <= 20; s++) {
      l.add(s);
    }
    assertThat(l.percentile(50)).isEqualTo(10.0);
    assertThat(l.percentile(95)).isEqualTo(19.0);
    assertThat(l.max()).isEqualTo(20.0);
    assertThat(new Latencies().percentile(50)).isNaN();
    assertThat(Latencies.format(Double.NaN)).isEqualTo("–");
    assertThat(Latencies.format(150)).isEqualTo("2.5 min");
  }

  @Test
  void aScrapeIsSummedOverTheMatchingSeriesOnly() {
    String exposition =
        """
        # TYPE lethe_intake_requests_received_total counter
        lethe_intake_requests_received_total{instance="a",source="kafka"} 120.0
        lethe_intake_requests_received_total{instance="b",source="kafka"} 30.0
        lethe_intake_requests_received_total{instance="a",source="http"} 7.0
        lethe_intake_requests_received_totalish{source="kafka"} 99.0
        """;
    assertThat(
            ServiceMetrics.sum(
                exposition, "lethe_intake_requests_received_total", "source=\"kafka\""))
        .isEqualTo(150.0);
    assertThat(ServiceMetrics.sum(exposition, "lethe_intake_requests_received_total", null))
        .isEqualTo(157.0);
  }
}
