package io.lethe.registry.service;

import io.lethe.api.ModelVersionManifest;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.HonouredRequest;
import io.lethe.registry.store.ModelStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the versions of one model forgot, read from their manifests (each read once per instance, or
 * once per cache given), and which forget requests they honour: those they were made for ({@code
 * forgetRequestIds}) and those recorded as honoured by an existing version whose subjects it had
 * all forgotten ({@link ModelStore#recordHonouredBy}; read once per instance, when first needed).
 * Blocking: call it on the {@code lethe-registry-io} pool.
 */
final class Lineage {
  private final ModelStore store;
  private final String modelId;
  private final Map<Integer, ModelVersionManifest> manifests;
  private List<HonouredRequest> honoured;

  Lineage(ModelStore store, String modelId) {
    this(store, modelId, new HashMap<>());
  }

  /**
   * @param manifests a cache of this model's manifests to read through and fill (manifests never
   *     change once written, so a cache may outlive one decision)
   */
  Lineage(ModelStore store, String modelId, Map<Integer, ModelVersionManifest> manifests) {
    this.store = Objects.requireNonNull(store, "store");
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    this.manifests = Objects.requireNonNull(manifests, "manifests");
  }

  /**
   * A manifest cache for {@link #Lineage(ModelStore, String, Map)} keeping the {@code max} most
   * recently used (a manifest lists every subject its version forgot, so an unbounded cache would
   * grow with versions times subjects). Not thread-safe.
   */
  static Map<Integer, ModelVersionManifest> cache(int max) {
    return new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, ModelVersionManifest> eldest) {
        return size() > max;
      }
    };
  }

  String modelId() {
    return modelId;
  }

  ModelVersionManifest manifest(int version) {
    return manifests.computeIfAbsent(version, v -> store.manifest(modelId, v));
  }

  /** Every subject {@code version} has forgotten (cumulative along its lineage). */
  Set<String> forgotten(int version) {
    return new HashSet<>(manifest(version).subjectsForgotten());
  }

  /**
   * The subjects whose forgetting is complete: forgotten by a version the serving alias has pointed
   * at. Moving the alias to a version that lacks one of them would serve a model that still encodes
   * a subject who was already forgotten.
   */
  Set<String> completed(AliasHistory serving) {
    Set<String> done = new HashSet<>();
    new TreeSet<Integer>(serving.entries().stream().map(AliasHistory.Entry::version).toList())
        .forEach(v -> done.addAll(forgotten(v)));
    return done;
  }

  /** The subjects of {@code completed} that {@code version} still encodes. */
  Set<String> stillEncoded(int version, Set<String> completed) {
    Set<String> missing = new HashSet<>(completed);
    missing.removeAll(forgotten(version));
    return missing;
  }

  /**
   * The forget requests {@code version} honours: those of every version along its lineage, itself
   * included, and those recorded as honoured by one of these versions.
   */
  Set<String> requestsAlong(int version) {
    Set<String> ids = new HashSet<>();
    Set<Integer> along = new HashSet<>();
    for (ModelVersionManifest m : along(version)) {
      ids.addAll(m.forgetRequestIds());
      along.add(m.version());
    }
    for (HonouredRequest h : honoured()) {
      if (along.contains(h.version())) {
        ids.add(h.requestId());
      }
    }
    return ids;
  }

  /**
   * Since when {@code version} honours {@code requestId}: the creation of the version along its
   * lineage made for it, or the record of a version along it found honouring it already, whichever
   * is earlier; empty if it does not honour it.
   */
  Optional<Instant> honoursSince(int version, String requestId) {
    Instant since = null;
    Set<Integer> along = new HashSet<>();
    for (ModelVersionManifest m : along(version)) {
      along.add(m.version());
      if (m.forgetRequestIds().contains(requestId)) {
        since = earlier(since, m.createdAt());
      }
    }
    for (HonouredRequest h : honoured()) {
      if (h.requestId().equals(requestId) && along.contains(h.version())) {
        since = earlier(since, h.recordedAt());
      }
    }
    return Optional.ofNullable(since);
  }

  /**
   * The requests recorded as honoured by a version along {@code version}'s lineage after {@code
   * after} (their workers' results may still be on their way).
   */
  Set<String> recordedAfter(int version, Instant after) {
    Set<Integer> along = new HashSet<>();
    along(version).forEach(m -> along.add(m.version()));
    Set<String> ids = new HashSet<>();
    for (HonouredRequest h : honoured()) {
      if (along.contains(h.version()) && h.recordedAt().isAfter(after)) {
        ids.add(h.requestId());
      }
    }
    return ids;
  }

  /** {@code version} and its ancestors, newest first. */
  private List<ModelVersionManifest> along(int version) {
    List<ModelVersionManifest> lineage = new ArrayList<>();
    Integer v = version;
    while (v != null) {
      ModelVersionManifest m = manifest(v);
      lineage.add(m);
      v = m.parentVersion();
    }
    return lineage;
  }

  private List<HonouredRequest> honoured() {
    if (honoured == null) {
      honoured = store.honouredRequests(modelId);
    }
    return honoured;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /**
   * The forget requests, along the lineages of {@code heads}, that forgot any of {@code subjects}
   * (a version's own requests forgot what it forgot beyond its parent).
   */
  Set<String> requestsForgetting(Set<String> subjects, Collection<Integer> heads) {
    Set<String> requests = new TreeSet<>();
    if (subjects.isEmpty()) {
      return requests;
    }
    Set<Integer> seen = new HashSet<>();
    Deque<Integer> todo = new ArrayDeque<>(heads);
    while (!todo.isEmpty()) {
      int v = todo.pop();
      if (!seen.add(v)) {
        continue;
      }
      ModelVersionManifest m = manifest(v);
      Set<String> delta = new HashSet<>(m.subjectsForgotten());
      if (m.parentVersion() != null) {
        delta.removeAll(forgotten(m.parentVersion()));
        todo.push(m.parentVersion());
      }
      delta.retainAll(subjects);
      if (!delta.isEmpty()) {
        requests.addAll(m.forgetRequestIds());
      }
    }
    return requests;
  }
}
