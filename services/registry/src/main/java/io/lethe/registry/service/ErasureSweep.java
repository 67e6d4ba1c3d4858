package io.lethe.registry.service;

import io.lethe.api.AuditEvent;
import io.lethe.api.ModelVersionManifest;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.AuditLog;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ErasureRecord;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.PurgeRecord;
import io.lethe.registry.store.PurgeSchedule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases what a completed forgetting leaves behind, in one idempotent pass over the registry (run
 * every {@link ErasureSettings#sweepInterval()} and after every promotion; a crash midway is
 * finished by the next pass):
 *
 * <ol>
 *   <li><b>Model versions.</b> A version other than the serving alias's target that still encodes a
 *       subject whose forgetting is complete ({@link Lineage#completed}) is scheduled for purge
 *       ({@link PurgeSchedule}, write-once, due after {@link ErasureSettings#purgeGrace()}) and,
 *       once due, purged: its parameter bytes are deleted, its manifest kept for the lineage
 *       ({@link ModelStore#purge}). The forgetting guard ({@link AliasMoves}) already keeps such a
 *       version from being served; the grace period only keeps its bytes for an operator's
 *       investigation.
 *   <li><b>Dataset bytes.</b> A subject's samples are erased from a dataset ({@link
 *       DatasetStore#erase}: the snapshot is rewritten without them and the older copy deleted)
 *       once every model with a version on that dataset has completed its forgetting. Before that,
 *       a model still being unlearned needs the subject's images as its forget set.
 *   <li><b>Audit.</b> Each schedule, purge and erasure is appended to the audit log, indexed under
 *       every request whose forgetting caused it; alias moves whose audit entry failed to be
 *       written are written now ({@link AliasAudit#reconcile}).
 * </ol>
 *
 * <p>Logs count subjects, never name them. Blocking: run it on the {@code lethe-registry-io} pool.
 */
final class ErasureSweep {
  private static final Logger LOG = LoggerFactory.getLogger(ErasureSweep.class);
  static final String ACTOR = AuditEvent.SERVICE_ACTOR_PREFIX + "registry";

  /** Manifests kept between sweeps, per model. */
  static final int CACHED = 256;

  /** What one pass did. */
  record Outcome(int scheduled, int purged, int pending, int subjectsErased) {}

  private final ModelStore store;
  private final DatasetStore datasets;
  private final PurgeSchedule schedule;
  private final AuditLog log;
  private final AliasAudit aliasAudit;
  private final String servingAlias;
  private final ErasureSettings settings;
  private final RegistryMetrics metrics;
  private final Clock clock;
  // Manifests never change and a purge is never undone: what one sweep read, the next need not.
  private final Map<String, Map<Integer, ModelVersionManifest>> manifests = new HashMap<>();
  private final Set<String> purged = new HashSet<>();

  ErasureSweep(
      ModelStore store,
      DatasetStore datasets,
      PurgeSchedule schedule,
      AuditLog log,
      AliasAudit aliasAudit,
      String servingAlias,
      ErasureSettings settings,
      RegistryMetrics metrics,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.datasets = Objects.requireNonNull(datasets, "datasets");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.log = Objects.requireNonNull(log, "log");
    this.aliasAudit = Objects.requireNonNull(aliasAudit, "aliasAudit");
    this.servingAlias = Objects.requireNonNull(servingAlias, "servingAlias");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One pass over every model and dataset. */
  synchronized Outcome sweep() {
    Instant now = clock.instant();
    int scheduled = 0;
    int purged = 0;
    int pending = 0;
    // dataset id -> the subjects every model on it has completed forgetting (null: none yet)
    Map<String, Set<String>> erasable = new HashMap<>();
    Map<String, List<Lineage>> modelsOn = new HashMap<>();
    for (String modelId : store.models()) {
      List<Integer> versions = store.versions(modelId);
      if (versions.isEmpty()) {
        continue;
      }
      Lineage lineage =
          new Lineage(
              store, modelId, manifests.computeIfAbsent(modelId, m -> Lineage.cache(CACHED)));
      Optional<AliasHistory> serving = store.aliasHistory(modelId, servingAlias);
      Set<String> completed = serving.map(h -> lineage.completed(h)).orElseGet(HashSet::new);
      for (String datasetId : datasetsOf(lineage, versions)) {
        modelsOn.computeIfAbsent(datasetId, d -> new ArrayList<>()).add(lineage);
        erasable.merge(
            datasetId,
            new HashSet<>(completed),
            (a, b) -> {
              a.retainAll(b);
              return a;
            });
      }
      if (serving.isEmpty()) {
        continue;
      }
      aliasAudit.reconcile(serving.get(), lineage);
      List<Integer> served = servedVersions(serving.get());
      for (int v : versions) {
        if (v == serving.get().current() || isPurged(modelId, v)) {
          continue;
        }
        Set<String> encoded = lineage.stillEncoded(v, completed);
        if (encoded.isEmpty()) {
          continue;
        }
        List<String> requests = List.copyOf(lineage.requestsForgetting(encoded, served));
        String reason =
            "superseded: still encodes "
                + encoded.size()
                + " subject(s) whose forgetting "
                + servingAlias
                + " has completed";
        PurgeSchedule.Entry entry =
            schedule.schedule(
                new PurgeSchedule.Entry(modelId, v, now, now.plus(settings.purgeGrace()), reason));
        if (log.append(scheduledEvent(entry, requests, encoded.size()))) {
          scheduled++;
        }
        if (now.isBefore(entry.dueAt())) {
          pending++;
          continue;
        }
        purge(modelId, v, entry.reason(), ACTOR, requests);
        metrics.purged("grace").increment();
        purged++;
      }
    }
    int erased = 0;
    for (Map.Entry<String, Set<String>> e : erasable.entrySet()) {
      erased += erase(e.getKey(), e.getValue(), modelsOn.get(e.getKey()));
    }
    metrics.purgesPending.set(pending);
    metrics.lastSweep.set(clock.instant().getEpochSecond());
    Outcome outcome = new Outcome(scheduled, purged, pending, erased);
    if (scheduled + purged + erased > 0) {
      LOG.info(
          "erasure sweep: {} version(s) scheduled for purge, {} purged, {} pending, {} subject(s)"
              + " erased from datasets",
          scheduled,
          purged,
          pending,
          erased);
    }
    return outcome;
  }

  /**
   * Purges {@code version} now, on an admin's order. Only a version that still encodes a subject
   * whose forgetting is complete can be purged, never the serving alias's target.
   *
   * @throws ApiException 409 if the version does not qualify
   */
  synchronized PurgeRecord purgeNow(String modelId, int version, String reason, String actor) {
    store.manifest(modelId, version); // 404 first
    Optional<PurgeRecord> done = store.purged(modelId, version);
    if (done.isPresent()) {
      return done.get();
    }
    Optional<AliasHistory> serving = store.aliasHistory(modelId, servingAlias);
    if (serving.isEmpty()) {
      throw ApiException.conflict(
          modelId + " has never been served, so no forgetting of it is complete");
    }
    if (serving.get().current() == version) {
      throw ApiException.conflict(
          modelId + " v" + version + " is what " + servingAlias + " serves; move it first");
    }
    Lineage lineage = new Lineage(store, modelId);
    Set<String> encoded = lineage.stillEncoded(version, lineage.completed(serving.get()));
    if (encoded.isEmpty()) {
      throw ApiException.conflict(
          modelId
              + " v"
              + version
              + " encodes no subject whose forgetting is complete; nothing obliges its erasure");
    }
    List<String> requests =
        List.copyOf(lineage.requestsForgetting(encoded, servedVersions(serving.get())));
    PurgeRecord record = purge(modelId, version, reason, actor, requests);
    metrics.purged("admin").increment();
    return record;
  }

  private boolean isPurged(String modelId, int version) {
    String key = modelId + "@" + version;
    if (purged.contains(key)) {
      return true;
    }
    if (store.purged(modelId, version).isPresent()) {
      purged.add(key);
      return true;
    }
    return false;
  }

  private PurgeRecord purge(
      String modelId, int version, String reason, String actor, List<String> requests) {
    PurgeRecord record = store.purge(modelId, version, reason, actor);
    purged.add(modelId + "@" + version);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("deletedObjects", record.deletedObjects().size());
    data.put("deletedBytes", record.deletedBytes());
    data.put("reason", RecordAudit.clip(record.reason()));
    log.append(
        new AuditEvent(
            "purged:" + modelId + ":v" + version,
            record.purgedAt(),
            AuditEvent.Kind.VERSION_PURGED,
            record.actor(),
            requests,
            modelId,
            version,
            null,
            RecordAudit.clip(
                "v"
                    + version
                    + " purged: "
                    + record.deletedObjects().size()
                    + " object(s), "
                    + record.deletedBytes()
                    + " bytes deleted"),
            data));
    LOG.info(
        "purged {} v{} ({} objects, {} bytes) by {}",
        modelId,
        version,
        record.deletedObjects().size(),
        record.deletedBytes(),
        record.actor());
    return record;
  }

  private int erase(String datasetId, Set<String> completedByAll, List<Lineage> models) {
    Set<String> todo = new TreeSet<>(completedByAll);
    todo.removeAll(datasets.erasedSubjects(datasetId));
    if (todo.isEmpty()) {
      return 0;
    }
    ErasureRecord record = datasets.erase(datasetId, todo);
    Set<String> requests = new TreeSet<>();
    for (Lineage lineage : models) {
      store
          .aliasHistory(lineage.modelId(), servingAlias)
          .ifPresent(h -> requests.addAll(lineage.requestsForgetting(todo, servedVersions(h))));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("subjects", record.subjects().size());
    data.put("samplesRemoved", record.samplesRemoved());
    data.put("deletedObjects", record.deletedObjects().size());
    data.put("generation", record.generation());
    log.append(
        new AuditEvent(
            "erased:" + datasetId + ":" + record.generation(),
            record.erasedAt(),
            AuditEvent.Kind.DATASET_ERASED,
            ACTOR,
            List.copyOf(requests),
            null,
            null,
            datasetId,
            "dataset "
                + datasetId
                + " rewritten without "
                + record.subjects().size()
                + " subject(s) ("
                + record.samplesRemoved()
                + " samples); the older copy deleted",
            data));
    metrics.subjectsErased.increment(record.subjects().size());
    LOG.info(
        "erased {} subject(s), {} samples, from dataset {} (generation {})",
        record.subjects().size(),
        record.samplesRemoved(),
        datasetId,
        record.generation());
    return record.subjects().size();
  }

  private AuditEvent scheduledEvent(
      PurgeSchedule.Entry entry, List<String> requests, int subjects) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dueAt", entry.dueAt().toString());
    data.put("subjects", subjects);
    return new AuditEvent(
        "purge-scheduled:" + entry.modelId() + ":v" + entry.version(),
        entry.scheduledAt(),
        AuditEvent.Kind.VERSION_PURGE_SCHEDULED,
        ACTOR,
        requests,
        entry.modelId(),
        entry.version(),
        null,
        RecordAudit.clip("v" + entry.version() + " will be purged at " + entry.dueAt()),
        data);
  }

  private static Set<String> datasetsOf(Lineage lineage, List<Integer> versions) {
    Set<String> ids = new TreeSet<>();
    for (int v : versions) {
      ModelVersionManifest m = lineage.manifest(v);
      if (m.datasetId() != null) {
        ids.add(m.datasetId());
      }
    }
    return ids;
  }

  private static List<Integer> servedVersions(AliasHistory h) {
    return h.entries().stream().map(AliasHistory.Entry::version).distinct().toList();
  }
}
