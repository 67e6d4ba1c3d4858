package io.lethe.bench.load;

import io.lethe.api.ComplianceReport;
import io.lethe.api.ForgetRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The load benchmark's figures, rendered as one Markdown table and a few lines under it. */
final class LoadTable {
  private record Phase(String label, int events, double seconds, double busy) {}

  private final Duration window;
  private final int httpClients;
  private Phase raw;
  private final Map<String, Phase> phases = new LinkedHashMap<>();

  LoadTable(Duration window, int httpClients) {
    this.window = window;
    this.httpClients = httpClients;
  }

  void raw(int events, double seconds, double busy) {
    raw = new Phase("Raw producer (acks=all), same broker", events, seconds, busy);
  }

  /**
   * A phase whose events carry ids starting {@code prefix-}; {@code seconds} NaN for one whose rate
   * means nothing.
   */
  void phase(String prefix, String label, int events, double seconds, double busy) {
    phases.put(prefix, new Phase(label, events, seconds, busy));
  }

  /**
   * @param requests every forget request the intake made in the run
   * @param reports the registry's last report on each
   * @param sentAt when each sustained event was sent, by event id
   * @param observed the registry histogram's count of observed promotions
   */
  String render(
      List<ForgetRequest> requests,
      Map<String, ComplianceReport> reports,
      Map<String, Instant> sentAt,
      String run,
      double observed) {
    double rawRate = raw.events / raw.seconds;
    StringBuilder b = new StringBuilder();
    b.append(
        "| Phase | Events | Events/s | × raw producer | Worker busy | Forget requests | Events"
            + " per request | Deletion→promotion p50 | p95 | max |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d | %,.0f | 1.00 | %s | | | | | |%n",
            raw.label,
            raw.events,
            rawRate,
            percent(raw.busy)));
    Latencies all = new Latencies();
    Latencies perEvent = new Latencies();
    int eventsInRequests = 0;
    for (Map.Entry<String, Phase> e : phases.entrySet()) {
      String prefix = e.getKey() + "-" + run + "-";
      Phase p = e.getValue();
      Latencies latency = new Latencies();
      int covered = 0;
      int holding = 0;
      for (ForgetRequest r : requests) {
        long mine = r.sourceEventIds().stream().filter(id -> id.startsWith(prefix)).count();
        if (mine == 0) {
          continue;
        }
        holding++;
        covered += (int) mine;
        ComplianceReport report = reports.get(r.requestId());
        if (completed(report)) {
          latency.add(seconds(report.acceptedAt(), report.completedAt()));
          for (String id : r.sourceEventIds()) {
            Instant sent = sentAt.get(id);
            if (sent != null && id.startsWith(prefix)) {
              perEvent.add(seconds(sent, report.completedAt()));
            }
          }
        }
      }
      eventsInRequests += covered;
      double rate = p.events / p.seconds;
      boolean timed = !Double.isNaN(rate);
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %s | %s | %d | %,.0f | %s | %s | %s |%n",
              p.label,
              p.events,
              timed ? String.format(Locale.ROOT, "%,.0f", rate) : "–",
              timed ? String.format(Locale.ROOT, "%.2f", rate / rawRate) : "–",
              percent(p.busy),
              holding,
              holding == 0 ? 0.0 : covered / (double) holding,
              Latencies.format(latency.percentile(50)),
              Latencies.format(latency.percentile(95)),
              Latencies.format(latency.max())));
    }
    for (ComplianceReport r : reports.values()) {
      if (completed(r)) {
        all.add(seconds(r.acceptedAt(), r.completedAt()));
      }
    }

    Map<Integer, ComplianceReport.VersionEntry> versions = new TreeMap<>();
    for (ComplianceReport r : reports.values()) {
      for (ComplianceReport.VersionEntry v : r.versions()) {
        versions.put(v.version(), v);
      }
    }
    double jobSeconds =
        versions.values().stream()
            .filter(v -> v.unlearningSeconds() != null)
            .mapToDouble(ComplianceReport.VersionEntry::unlearningSeconds)
            .average()
            .orElse(Double.NaN);
    long passed = versions.values().stream().filter(v -> Boolean.TRUE.equals(v.passed())).count();
    long honouredByExisting =
        reports.values().stream()
            .filter(
                r ->
                    !r.versions().isEmpty()
                        && r.versions().stream()
                            .allMatch(v -> Boolean.TRUE.equals(v.madeForAnotherRequest())))
            .count();
    Map<String, Integer> notCompleted = new TreeMap<>();
    Set<String> failedGates = new java.util.TreeSet<>();
    reports.forEach(
        (id, r) -> {
          if (!completed(r)) {
            notCompleted.merge(r.status().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            for (ComplianceReport.VersionEntry v : r.versions()) {
              if (Boolean.FALSE.equals(v.passed())) {
                failedGates.add(
                    String.format(
                        Locale.ROOT,
                        "v%d (forgetting score %.3f, NoMUS %.3f)",
                        v.version(),
                        v.forgettingScore(),
                        v.nomus()));
              }
            }
          }
        });
    notCompleted.merge("unknown to the registry", requests.size() - reports.size(), Integer::sum);
    notCompleted.values().removeIf(n -> n == 0);
    int sent = phases.values().stream().mapToInt(Phase::events).sum();
    b.append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "All phases: %,d events became %d forget requests and %d unlearning jobs (%d"
                + " passed their gates; mean %.1f s per job; %d request(s) honoured by a version"
                + " made for an earlier one): **%,.0f events per job**.%s%n",
            sent,
            requests.size(),
            versions.size(),
            passed,
            jobSeconds,
            honouredByExisting,
            sent / (double) Math.max(1, versions.size()),
            eventsInRequests == sent
                ? ""
                : String.format(
                    Locale.ROOT,
                    " %,d events were in no request: their subject was already forgotten when"
                        + " the intake resolved them, or they repeated an idempotency key.",
                    sent - eventsInRequests)));
    b.append(
        String.format(
            Locale.ROOT,
            "Deletion→promotion over all %d completed requests (intake acceptance to the promoted"
                + " version that honours it, from the compliance reports): p50 %s, p95 %s, max %s."
                + " Per sustained event (sent → promoted): p50 %s, p95 %s (%d events). The"
                + " registry's own histogram observed %.0f promotions.%n",
            all.count(),
            Latencies.format(all.percentile(50)),
            Latencies.format(all.percentile(95)),
            Latencies.format(all.max()),
            Latencies.format(perEvent.percentile(50)),
            Latencies.format(perEvent.percentile(95)),
            perEvent.count(),
            observed));
    if (!notCompleted.isEmpty()) {
      b.append("Not completed when the run ended: ").append(notCompleted);
      if (!failedGates.isEmpty()) {
        b.append("; their versions failed the gates: ")
            .append(String.join(", ", failedGates))
            .append(". Only a later request's passing version (unlearned from the newest) would")
            .append(" honour them, and the run sends none");
      }
      b.append(".\n");
    }
    b.append(
        String.format(
            Locale.ROOT,
            "Coalescing window %s; HTTP from %d clients; worker busy = share of 100 ms samples in"
                + " which a job was running.%n",
            window,
            httpClients));
    return b.toString();
  }

  private static boolean completed(ComplianceReport r) {
    return r != null
        && r.status() == ComplianceReport.Status.COMPLETED
        && r.acceptedAt() != null
        && r.completedAt() != null;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static String percent(double f) {
    return Double.isNaN(f) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * f);
  }
}
