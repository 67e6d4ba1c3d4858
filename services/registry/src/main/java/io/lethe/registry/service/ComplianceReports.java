package io.lethe.registry.service;

import io.lethe.api.AuditEvent;
import io.lethe.api.ComplianceReport;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ModelVersionManifest;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.AuditLog;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Assembles the compliance report of one forget request from the audit log (its entries, indexed by
 * request id) and the registry (the versions made for it, or the existing version that honoured it
 * when every subject was already forgotten, their evaluations, the serving alias's history).
 * Blocking: call it on the {@code lethe-registry-io} pool.
 */
final class ComplianceReports {
  private final ModelStore store;
  private final AuditLog log;
  private final String servingAlias;
  private final Clock clock;

  ComplianceReports(ModelStore store, AuditLog log, String servingAlias, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.log = Objects.requireNonNull(log, "log");
    this.servingAlias = Objects.requireNonNull(servingAlias, "servingAlias");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @throws ApiException 404 if the audit log knows nothing of {@code requestId}
   */
  ComplianceReport build(String requestId) {
    List<AuditEvent> events = log.forRequest(requestId);
    if (events.isEmpty()) {
      throw ApiException.notFound(
          "the audit log has no entry for request "
              + requestId
              + " (unknown, or not yet archived: entries follow the intake's ledger within"
              + " seconds)");
    }
    Optional<AuditEvent> ledger =
        last(events, AuditEvent.Kind.REQUEST_EMITTED, AuditEvent.Kind.REQUEST_EMITTING);
    String modelId =
        events.stream().map(AuditEvent::modelId).filter(Objects::nonNull).findFirst().orElse(null);

    Set<Integer> made = new TreeSet<>();
    Map<Integer, AuditEvent> results = new java.util.HashMap<>();
    for (AuditEvent e : events) {
      if (e.kind() == AuditEvent.Kind.UNLEARNING_SUCCEEDED
          && requestId.equals(single(e))
          && e.version() != null) {
        made.add(e.version());
        results.put(e.version(), e);
      }
    }
    Map<Integer, Instant> purgedAt = new java.util.HashMap<>();
    List<ComplianceReport.Purge> purges = new ArrayList<>();
    List<ComplianceReport.PendingPurge> pending = new ArrayList<>();
    List<ComplianceReport.DatasetErasure> erasures = new ArrayList<>();
    Set<String> purgedVersions = new HashSet<>();
    for (AuditEvent e : events) {
      if (e.kind() == AuditEvent.Kind.VERSION_PURGED) {
        purgedVersions.add(e.modelId() + "@" + e.version());
        purgedAt.put(e.version(), e.at());
        purges.add(
            new ComplianceReport.Purge(
                e.modelId(),
                e.version(),
                e.at(),
                number(e, "deletedObjects").intValue(),
                number(e, "deletedBytes").longValue(),
                e.actor(),
                text(e, "reason")));
      } else if (e.kind() == AuditEvent.Kind.DATASET_ERASED) {
        erasures.add(
            new ComplianceReport.DatasetErasure(
                e.datasetId(),
                e.at(),
                number(e, "samplesRemoved").intValue(),
                number(e, "deletedObjects").intValue()));
      }
    }
    for (AuditEvent e : events) {
      if (e.kind() == AuditEvent.Kind.VERSION_PURGE_SCHEDULED
          && !purgedVersions.contains(e.modelId() + "@" + e.version())) {
        pending.add(
            new ComplianceReport.PendingPurge(
                e.modelId(), e.version(), Instant.parse(text(e, "dueAt"))));
      }
    }

    Optional<AliasHistory> serving =
        modelId == null ? Optional.empty() : store.aliasHistory(modelId, servingAlias);
    Set<Integer> servedVersions = new HashSet<>();
    serving.ifPresent(h -> h.entries().forEach(en -> servedVersions.add(en.version())));
    Instant completedAt = modelId == null ? null : completedAt(modelId, requestId, serving);

    List<ComplianceReport.VersionEntry> versions = new ArrayList<>();
    boolean anyFailedGates = false;
    for (int v : made) {
      ModelVersionManifest m;
      try {
        m = store.manifest(modelId, v);
      } catch (NotFoundException gone) {
        continue;
      }
      Optional<EvaluationReportMessage> ev = store.evaluation(modelId, v);
      anyFailedGates |= ev.isPresent() && !ev.get().passed();
      AuditEvent result = results.get(v);
      versions.add(
          new ComplianceReport.VersionEntry(
              v,
              m.parentVersion(),
              m.method().toString().toLowerCase(java.util.Locale.ROOT),
              m.createdAt(),
              result == null ? null : number(result, "seconds").doubleValue(),
              ev.map(EvaluationReportMessage::testAccuracy).orElse(null),
              ev.map(r -> r.mia().accuracy()).orElse(null),
              ev.map(EvaluationReportMessage::forgettingScore)
                  .map(f -> Math.min(0.5, Math.max(0.0, f)))
                  .orElse(null),
              ev.map(EvaluationReportMessage::nomus).orElse(null),
              ev.map(EvaluationReportMessage::gates).orElse(null),
              ev.map(EvaluationReportMessage::passed).orElse(null),
              ev.map(EvaluationReportMessage::evaluatedAt).orElse(null),
              servedVersions.contains(v),
              purgedAt.get(v),
              m.forgetRequestIds().contains(requestId) ? null : Boolean.TRUE));
    }

    ComplianceReport.Status status;
    if (completedAt != null) {
      status = ComplianceReport.Status.COMPLETED;
    } else if (anyFailedGates) {
      status = ComplianceReport.Status.GATES_FAILED;
    } else if (!versions.isEmpty()) {
      status = ComplianceReport.Status.UNLEARNED;
    } else if (last(events, AuditEvent.Kind.REQUEST_FAILED, AuditEvent.Kind.UNLEARNING_FAILED)
        .isPresent()) {
      status = ComplianceReport.Status.FAILED;
    } else {
      status = ComplianceReport.Status.PENDING;
    }

    Instant acceptedAt =
        ledger
            .map(e -> e.data().get("acceptedAt"))
            .map(a -> Instant.parse(a.toString()))
            .orElseGet(
                () ->
                    events.stream()
                        .filter(e -> e.kind().name().startsWith("REQUEST_"))
                        .map(AuditEvent::at)
                        .findFirst()
                        .orElse(null));
    Integer subjects = ledger.map(e -> number(e, "subjects").intValue()).orElse(null);
    // Entries written before the count was recorded hold every id (or a clipped list: dropped).
    Integer sourceEvents =
        ledger
            .filter(e -> e.data().get("sourceEvents") instanceof Number)
            .map(e -> number(e, "sourceEvents").intValue())
            .orElse(null);
    List<String> sources =
        ledger
            .map(e -> text(e, "sourceEventIds"))
            .filter(s -> !s.isEmpty())
            .map(s -> Arrays.stream(s.split(",")).filter(ComplianceReports::isId).toList())
            .orElse(null);
    return new ComplianceReport(
        requestId,
        clock.instant(),
        status,
        modelId,
        acceptedAt,
        completedAt,
        subjects,
        sourceEvents,
        sources,
        versions,
        purges,
        pending,
        erasures,
        events);
  }

  /**
   * The first moment the serving alias pointed at a version that honoured {@code requestId} (see
   * {@link Lineage#honoursSince}): usually the promotion of a version whose lineage includes a
   * version made for it; for a request honoured by an existing version, not before that was
   * recorded. Null if never.
   */
  private Instant completedAt(String modelId, String requestId, Optional<AliasHistory> serving) {
    if (serving.isEmpty()) {
      return null;
    }
    Lineage lineage = new Lineage(store, modelId);
    Map<Integer, Optional<Instant>> since = new java.util.HashMap<>();
    List<AliasHistory.Entry> entries = serving.get().entries();
    for (int i = 0; i < entries.size(); i++) {
      AliasHistory.Entry e = entries.get(i);
      Optional<Instant> honours =
          since.computeIfAbsent(e.version(), v -> lineage.honoursSince(v, requestId));
      if (honours.isEmpty()) {
        continue;
      }
      Instant at = honours.get().isAfter(e.at()) ? honours.get() : e.at();
      if (i + 1 == entries.size() || at.isBefore(entries.get(i + 1).at())) {
        return at;
      }
    }
    return null;
  }

  private static Optional<AuditEvent> last(List<AuditEvent> events, AuditEvent.Kind... kinds) {
    Set<AuditEvent.Kind> wanted = Set.of(kinds);
    AuditEvent found = null;
    for (AuditEvent e : events) {
      if (wanted.contains(e.kind())) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  private static String single(AuditEvent e) {
    return e.requestIds().size() == 1 ? e.requestIds().get(0) : null;
  }

  /** The contract's id alphabet (an entry clipped before whole ids were kept ends in a stub). */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private static boolean isId(String s) {
    return ID.matcher(s).matches();
  }

  private static Number number(AuditEvent e, String key) {
    Object v = e.data().get(key);
    return v instanceof Number n ? n : 0;
  }

  private static String text(AuditEvent e, String key) {
    Object v = e.data().get(key);
    return v == null ? "" : v.toString();
  }
}
