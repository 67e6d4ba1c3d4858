package io.lethe.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link MalformedInputIT} saw: counts (inputs, statuses, dead letters by reason, processed,
 * stalls), timings and violations with a few examples each, printed at the end so a run explains
 * itself.
 */
final class MalformedReport {
  static final int EXAMPLES = 5;

  private final Map<String, AtomicLong> counts = new TreeMap<>();
  private final Map<String, List<String>> violations = new TreeMap<>();
  private final Map<String, AtomicLong> violationCounts = new TreeMap<>();
  private final List<String> lines = new ArrayList<>();

  synchronized void count(String what, long n) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).addAndGet(n);
  }

  synchronized void violation(String what, String example) {
    violationCounts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    List<String> examples = violations.computeIfAbsent(what, k -> new ArrayList<>());
    if (examples.size() < EXAMPLES) {
      examples.add(example.length() > 400 ? example.substring(0, 400) + "…" : example);
    }
  }

  synchronized void line(String line) {
    lines.add(line);
  }

  synchronized void phase(String name, long t0) {
    lines.add("%-16s at %6.1f s".formatted(name, (System.nanoTime() - t0) / 1e9));
  }

  synchronized long violationCount() {
    return violationCounts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  synchronized String violations() {
    StringBuilder b = new StringBuilder();
    violations.forEach(
        (what, examples) -> {
          b.append("\n  ").append(what).append(": ").append(violationCounts.get(what)).append('\n');
          examples.forEach(e -> b.append("      e.g. ").append(e).append('\n'));
        });
    return b.toString();
  }

  synchronized void print(long seed, int httpInputs, int kafkaInputs) {
    StringBuilder b = new StringBuilder("\n==== MalformedInputIT report (seed ").append(seed);
    b.append(")\ninputs tried: HTTP ").append(httpInputs).append(", Kafka ").append(kafkaInputs);
    b.append(", total ").append(httpInputs + kafkaInputs).append('\n');
    counts.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v.get()).append('\n'));
    lines.forEach(l -> b.append("  ").append(l).append('\n'));
    b.append("violations: ").append(violationCount()).append(violations()).append("====\n");
    System.out.println(b);
  }
}
