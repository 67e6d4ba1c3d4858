package io.lethe.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Seconds observed for something; nearest-rank percentiles. */
final class Latencies {
  private final List<Double> seconds = new ArrayList<>();

  void add(double s) {
    seconds.add(s);
  }

  int count() {
    return seconds.size();
  }

  /** The nearest-rank {@code p}-th percentile ({@code 0 < p <= 100}); NaN when empty. */
  double percentile(double p) {
    if (seconds.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(seconds);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  double max() {
    return percentile(100);
  }

  /** {@code 41 s} / {@code 3.2 min}, or {@code –} when empty. */
  static String format(double s) {
    if (Double.isNaN(s)) {
      return "–";
    }
    return s < 120
        ? String.format(Locale.ROOT, "%.0f s", s)
        : String.format(Locale.ROOT, "%.1f min", s / 60);
  }
}
