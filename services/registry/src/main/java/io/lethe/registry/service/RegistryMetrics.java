package io.lethe.registry.service;

import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's meters ({@code lethe_registry_*}):
 *
 * <ul>
 *   <li>{@code versions_promoted_total{mode="auto"|"manual"}}, {@code rollbacks_total};
 *   <li>{@code evaluations_seen_total{outcome="passed"|"failed"}}: reports read from {@code
 *       lethe.evaluations}, redeliveries included;
 *   <li>{@code promotions_skipped_total{reason}}: reports that did not move the alias, by {@link
 *       PromotionRule.Reason};
 *   <li>{@code http_requests_total{method, route, status}}: the route is the template (e.g. {@code
 *       /v1/models/:modelId/versions}), never the concrete path, so model ids do not explode the
 *       series count;
 *   <li>{@code bytes_downloaded_total}: object bytes sent by the download endpoint;
 *   <li>{@code alias_version{model, alias}}: the version an alias points at; set at start-up for
 *       the configured alias and on every move. Registered with unit {@code info} (a version number
 *       is an identifier, not a quantity), but the Prometheus client drops {@code _info} from gauge
 *       names, so it is scraped as {@code lethe_registry_alias_version}.
 *   <li>{@code versions_purged_total{by="grace"|"admin"}}, {@code pending_purge_versions} (versions
 *       that still encode forgotten subjects, waiting for their grace period, at the last sweep),
 *       {@code dataset_subjects_erased_total}, {@code erasure_sweeps_total{outcome="ok"|"failed"}}
 *       and {@code erasure_sweep_last_success_timestamp_seconds}: what erasure did and whether it
 *       runs.
 * </ul>
 */
final class RegistryMetrics {
  static final String STAGE = "registry";
  static final String AUTO = "auto";
  static final String MANUAL = "manual";

  private final Metrics metrics;
  private final Map<String, AtomicLong> aliasVersions = new ConcurrentHashMap<>();
  final Counter rollbacks;
  final Counter bytesDownloaded;
  final Counter subjectsErased;
  final AtomicLong purgesPending = new AtomicLong();
  final AtomicLong lastSweep = new AtomicLong();

  RegistryMetrics(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    if (!STAGE.equals(metrics.stage())) {
      throw new IllegalArgumentException(
          "registry metrics need stage 'registry': " + metrics.stage());
    }
    rollbacks = metrics.counter("rollbacks");
    bytesDownloaded = metrics.counter("bytes_downloaded");
    subjectsErased = metrics.counter("dataset_subjects_erased");
    metrics.gauge("pending_purge", Metrics.Unit.VERSIONS, purgesPending, AtomicLong::get);
    metrics.gauge(
        "erasure_sweep_last_success_timestamp", Metrics.Unit.SECONDS, lastSweep, AtomicLong::get);
    purged("grace");
    purged("admin");
    sweep(true);
    sweep(false);
    promoted(AUTO);
    promoted(MANUAL);
    evaluationSeen(true);
    evaluationSeen(false);
  }

  Counter promoted(String mode) {
    return metrics.counter("versions_promoted", "mode", mode);
  }

  Counter purged(String by) {
    return metrics.counter("versions_purged", "by", by);
  }

  Counter sweep(boolean ok) {
    return metrics.counter("erasure_sweeps", "outcome", ok ? "ok" : "failed");
  }

  Counter evaluationSeen(boolean passed) {
    return metrics.counter("evaluations_seen", "outcome", passed ? "passed" : "failed");
  }

  Counter skipped(PromotionRule.Reason reason) {
    return metrics.counter("promotions_skipped", "reason", reason.tag());
  }

  void httpRequest(String method, String route, int status) {
    metrics
        .counter(
            "http_requests", "method", method, "route", route, "status", Integer.toString(status))
        .increment();
  }

  /** Records that {@code alias} of {@code model} now points at {@code version}. */
  void aliasVersion(String model, String alias, int version) {
    aliasVersions
        .computeIfAbsent(
            model + "\u0000" + alias,
            k ->
                metrics.gauge(
                    "alias_version",
                    Metrics.Unit.INFO,
                    new AtomicLong(),
                    AtomicLong::get,
                    "model",
                    model,
                    "alias",
                    alias))
        .set(version);
  }
}
