package io.lethe.registry.service;

import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.registry.store.AliasHistory;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON bodies of the registry API's answers (other than stored records sent as they are). */
final class Views {
  private Views() {}

  /**
   * One model in {@code GET /v1/models}.
   *
   * @param aliases the configured alias and the version it points at, if it is set
   */
  record ModelSummary(
      String modelId, int versionCount, int latestVersion, Map<String, Integer> aliases) {}

  /** {@code GET /v1/models}. */
  record Models(List<ModelSummary> models) {}

  /**
   * One version in {@code GET /v1/models/{modelId}/versions}.
   *
   * @param metrics {@code null} (omitted) until evaluated
   * @param gatesPassed {@code null} (omitted) until evaluated
   */
  record VersionSummary(
      int version,
      Integer parentVersion,
      Method method,
      int subjectsForgotten,
      String datasetVersion,
      Instant createdAt,
      ModelVersionManifest.Metrics metrics,
      Boolean gatesPassed) {
    static VersionSummary of(ModelVersionManifest m) {
      return new VersionSummary(
          m.version(),
          m.parentVersion(),
          m.method(),
          m.subjectsForgotten().size(),
          m.datasetVersion(),
          m.createdAt(),
          m.metrics(),
          m.metrics() == null ? null : m.metrics().gatesPassed());
    }
  }

  /** {@code GET /v1/models/{modelId}/versions}. */
  record Versions(String modelId, List<VersionSummary> versions) {}

  /** An alias, its current version and every move, oldest first. */
  record Alias(String modelId, String alias, int version, List<AliasHistory.Entry> history) {
    static Alias of(AliasHistory h) {
      return new Alias(h.modelId(), h.alias(), h.current(), h.entries());
    }
  }
}
