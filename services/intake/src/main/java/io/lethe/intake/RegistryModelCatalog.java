package io.lethe.intake;

import io.lethe.api.ModelVersionManifest;
import io.lethe.intake.core.ModelCatalog;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.service.Component;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelCatalog} backed by the registry: every model with a visible version that names a
 * registry dataset, at its {@code production} version (else its latest), and each subject's TRAIN
 * samples from that dataset's latest version ({@link DatasetStore#subjectSamples}), so subjects
 * already tombstoned are no longer resolved. Models without a dataset link cannot be resolved this
 * way and are skipped (logged once per refresh).
 *
 * <p>{@link #resolve} runs on the event loop, so it reads an in-memory snapshot; the snapshot is
 * rebuilt from S3 on the {@code lethe-catalog} worker pool at {@link #start()} (which fails if the
 * registry cannot be read: better not to start than to reject every subject as unknown) and every
 * {@code refresh} after. A failed refresh keeps the previous snapshot and is retried at the next
 * tick.
 */
public final class RegistryModelCatalog implements ModelCatalog, Component {
  static final String PRODUCTION = "production";
  private static final Logger LOG = LoggerFactory.getLogger(RegistryModelCatalog.class);
  private static final String POOL = "lethe-catalog";

  private final Vertx vertx;
  private final ModelStore models;
  private final DatasetStore datasets;
  private final Duration refresh;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());
  private WorkerExecutor pool;
  private long timer = -1;

  /** The models and their subjects at one refresh. */
  private record Snapshot(
      Map<String, ModelTarget> models,
      Map<String, Map<String, List<String>>> subjectsByDataset,
      Map<String, Set<String>> tombstonedByDataset) {}

  public RegistryModelCatalog(
      Vertx vertx, ModelStore models, DatasetStore datasets, Duration refresh) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.models = Objects.requireNonNull(models, "models");
    this.datasets = Objects.requireNonNull(datasets, "datasets");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  @Override
  public Future<Void> start() {
    pool = vertx.createSharedWorkerExecutor(POOL, 1, 5, TimeUnit.MINUTES);
    return reload()
        .onSuccess(
            v ->
                timer =
                    vertx.setPeriodic(
                        refresh.toMillis(),
                        id ->
                            reload()
                                .onFailure(
                                    e ->
                                        LOG.warn(
                                            "model catalog refresh failed, keeping the previous"
                                                + " one: {}",
                                            e.toString()))));
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Re-reads the registry now, off the event loop; the snapshot is replaced only on success. */
  public Future<Void> reload() {
    return pool.executeBlocking(this::read)
        .map(
            s -> {
              snapshot = s;
              return null;
            });
  }

  /** Model ids the catalog currently resolves to, sorted. */
  public Set<String> modelIds() {
    return snapshot.models().keySet();
  }

  private Snapshot read() {
    Map<String, ModelTarget> targets = new TreeMap<>();
    Map<String, Map<String, List<String>>> subjects = new HashMap<>();
    Map<String, Set<String>> tombstoned = new HashMap<>();
    List<String> unlinked = new ArrayList<>();
    for (String modelId : models.models()) {
      Optional<Integer> base = baseVersion(modelId);
      if (base.isEmpty()) {
        continue;
      }
      ModelVersionManifest m = models.manifest(modelId, base.get());
      if (m.datasetId() == null) {
        unlinked.add(modelId + " v" + m.version());
        continue;
      }
      targets.put(
          modelId, new ModelTarget(modelId, m.version(), m.datasetId(), m.datasetVersion()));
      if (!subjects.containsKey(m.datasetId())) {
        int latest = datasets.latest(m.datasetId());
        subjects.put(m.datasetId(), datasets.subjectSamples(m.datasetId(), latest));
        tombstoned.put(
            m.datasetId(), Set.copyOf(datasets.tombstonedSubjects(m.datasetId(), latest)));
      }
    }
    if (!unlinked.isEmpty()) {
      LOG.warn("models without a registry dataset, not resolvable: {}", unlinked);
    }
    return new Snapshot(
        Collections.unmodifiableMap(targets), Map.copyOf(subjects), Map.copyOf(tombstoned));
  }

  private Optional<Integer> baseVersion(String modelId) {
    Optional<AliasHistory> production = models.aliasHistory(modelId, PRODUCTION);
    if (production.isPresent()) {
      return Optional.of(production.get().current());
    }
    List<Integer> versions = models.versions(modelId);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
  }

  @Override
  public Resolution resolve(Collection<String> subjectIds, Collection<String> modelIds) {
    Snapshot s = snapshot;
    Set<String> known = new HashSet<>();
    Set<String> forgotten = new TreeSet<>();
    List<Affected> affected = new ArrayList<>();
    for (ModelTarget model : s.models().values()) {
      if (modelIds != null && !modelIds.contains(model.modelId())) {
        continue;
      }
      Set<String> tombstones = s.tombstonedByDataset().get(model.datasetId());
      for (String subject : subjectIds) {
        if (tombstones.contains(subject)) {
          forgotten.add(subject);
        }
      }
      Map<String, List<String>> samples = s.subjectsByDataset().get(model.datasetId());
      SortedMap<String, List<String>> hit = new TreeMap<>();
      for (String subject : subjectIds) {
        List<String> ids = samples.get(subject);
        if (ids != null) {
          hit.put(subject, ids);
          known.add(subject);
        }
      }
      if (!hit.isEmpty()) {
        affected.add(new Affected(model, Collections.unmodifiableSortedMap(hit)));
      }
    }
    TreeSet<String> unknown = new TreeSet<>(subjectIds);
    unknown.removeAll(known);
    forgotten.removeAll(known);
    unknown.removeAll(forgotten);
    return new Resolution(affected, List.copyOf(unknown), List.copyOf(forgotten));
  }
}
