package io.lethe.evaluator;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The evaluation of one stored version, as blocking code for the {@code lethe-evaluation} pool:
 * reload the version's dataset (the registry's snapshot when the version names one, else the source
 * its checkpoint manifest records), split it on the version's cumulative forgotten subjects,
 * measure the version and (for comparison) its parent on the same split with the engine's {@link
 * UnlearningEvaluator}, apply the gates and record the result in the registry. The registry's
 * evaluations are write-once, so an already evaluated version is returned as it is.
 */
final class VersionEvaluation {
  /** What one evaluation produced; {@code parent} is null for a version without parent. */
  record Outcome(EvaluationReportMessage report, EvaluationReport parent, boolean reused) {}

  private final ModelStore store;
  private final DatasetStore datasets;
  private final UnlearningEvaluator evaluator;
  private final Gates gates;
  private final Clock clock;
  private volatile ImageDataset cachedDataset;

  VersionEvaluation(
      ModelStore store, DatasetStore datasets, EvaluatorSettings settings, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.datasets = Objects.requireNonNull(datasets, "datasets");
    this.evaluator = new UnlearningEvaluator(settings.batchSize(), settings.seed());
    this.gates = Gates.of(settings);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Evaluates {@code modelId} v{@code version} (unless it already has an evaluation) and attaches
   * the report to it.
   *
   * @throws IllegalArgumentException if the version forgot nothing or its subjects are unknown
   * @throws io.lethe.registry.store.NotFoundException if the version is not in the registry
   */
  Outcome run(String requestId, String correlationId, String modelId, int version)
      throws IOException {
    Optional<EvaluationReportMessage> earlier = store.evaluation(modelId, version);
    if (earlier.isPresent()) {
      return new Outcome(earlier.get(), null, true);
    }
    ModelVersionManifest manifest = store.manifest(modelId, version);
    Set<String> subjects = new TreeSet<>(manifest.subjectsForgotten());
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException(
          modelId + " v" + version + " has forgotten no subject: nothing to evaluate");
    }
    Checkpoint checkpoint = store.checkpoint(modelId, version);
    ImageDataset dataset = datasetOf(manifest, checkpoint.manifest());
    // Subjects whose bytes were erased (every model on the dataset completed their forgetting
    // earlier) cannot be measured any more; the version's own subjects are never among them.
    subjects.removeAll(dataset.erasedSubjects());
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException(
          modelId
              + " v"
              + version
              + ": every subject it forgot has been erased from its dataset; nothing to measure");
    }
    UnlearningSplit split = UnlearningSplit.of(dataset, subjects);
    EvaluationReport report = measure(checkpoint, dataset, split);
    EvaluationReport parent = null;
    boolean sameParameters = false;
    if (manifest.parentVersion() != null) {
      parent = parentReport(modelId, manifest.parentVersion(), subjects, dataset, split);
      sameParameters =
          parametersHash(manifest)
              .equals(parametersHash(store.manifest(modelId, manifest.parentVersion())));
    }
    List<EvaluationReportMessage.Gate> outcome = gates.apply(report, parent, sameParameters);
    EvaluationReportMessage message =
        new EvaluationReportMessage(
            requestId,
            correlationId,
            modelId,
            version,
            report.testAccuracy(),
            report.testTop2Accuracy(),
            new EvaluationReportMessage.Mia(
                report.mia().accuracy(),
                Math.min(1.0, report.mia().std()),
                report.mia().perSplitAccuracy().stream().limit(100).toList()),
            Math.min(0.5, Math.max(0.0, report.forgettingScore())),
            Math.min(1.0, Math.max(0.0, report.nomus())),
            outcome,
            Gates.allPassed(outcome),
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            attacks(report));
    store.attachEvaluation(message);
    return new Outcome(message, parent, false);
  }

  /**
   * The parent's report on the child's forget set: its stored evaluation when that was made on the
   * same subjects (the same cumulative set), otherwise measured now. A measurement on the child's
   * subjects is not attached to the parent, whose own evaluation is about its own subjects.
   */
  private EvaluationReport parentReport(
      String modelId,
      int parentVersion,
      Set<String> subjects,
      ImageDataset dataset,
      UnlearningSplit split) {
    ModelVersionManifest parent = store.manifest(modelId, parentVersion);
    if (new TreeSet<>(parent.subjectsForgotten()).equals(subjects)
        && parent.metrics() != null
        && parent.datasetVersion().equals(dataset.fingerprint())) {
      Optional<EvaluationReportMessage> stored = store.evaluation(modelId, parentVersion);
      if (stored.isPresent()) {
        return toEngine(stored.get(), split);
      }
    }
    return measure(store.checkpoint(modelId, parentVersion), dataset, split);
  }

  /** The sha256 of a version's parameters, as its manifest records it. */
  static String parametersHash(ModelVersionManifest manifest) {
    return manifest.objects().stream()
        .filter(o -> o.key().equals(Checkpoints.PARAMETERS_FILE))
        .map(ModelVersionManifest.StoredObject::sha256)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    manifest.modelId()
                        + " v"
                        + manifest.version()
                        + " records no "
                        + Checkpoints.PARAMETERS_FILE));
  }

  private EvaluationReport measure(
      Checkpoint checkpoint, ImageDataset dataset, UnlearningSplit split) {
    try (Classifier model = Checkpoints.restore(checkpoint)) {
      return evaluator
          .evaluate(
              model, dataset, split.test(), split.forget(), split.unseen(), ProgressListener.NONE)
          .report();
    }
  }

  private ImageDataset datasetOf(ModelVersionManifest manifest, CheckpointManifest checkpoint)
      throws IOException {
    String fingerprint = checkpoint.dataset().fingerprint();
    ImageDataset cached = cachedDataset;
    if (cached != null
        && cached.fingerprint().equals(fingerprint)
        && (manifest.datasetId() == null
            || cached.erasedSubjects().equals(datasets.erasedSubjects(manifest.datasetId())))) {
      return cached;
    }
    cachedDataset = null; // no copy of erased bytes is kept in memory
    ImageDataset loaded;
    if (manifest.datasetId() != null) {
      // The snapshot (revision 0, no tombstone applied): the forgotten subjects must still be in it
      // to be measured as the attack's members. Its fingerprint is the one the checkpoint pins,
      // also after an erasure (ImageDataset.erase keeps the identity).
      loaded = datasets.materialise(manifest.datasetId(), 0);
      if (!loaded.fingerprint().equals(fingerprint)) {
        throw new IllegalStateException(
            "dataset "
                + manifest.datasetId()
                + " in the registry is "
                + loaded.fingerprint()
                + " but "
                + manifest.modelId()
                + " v"
                + manifest.version()
                + " was trained on "
                + fingerprint);
      }
    } else {
      loaded = ModelLineage.loadDatasetOf(checkpoint);
    }
    cachedDataset = loaded;
    return loaded;
  }

  /**
   * Every attack of {@code report}, in its order, within the contract's bounds (as {@code mia}).
   */
  static List<EvaluationReportMessage.Attack> attacks(EvaluationReport report) {
    return report.attacks().entrySet().stream()
        .map(
            e ->
                new EvaluationReportMessage.Attack(
                    e.getKey(),
                    e.getValue().accuracy(),
                    Math.min(1.0, e.getValue().std()),
                    Math.min(0.5, Math.max(0.0, e.getValue().forgettingScore())),
                    e.getValue().seedStd() == null ? null : Math.min(1.0, e.getValue().seedStd())))
        .toList();
  }

  /** The engine report of a stored evaluation, for the gates' parent comparison. */
  private static EvaluationReport toEngine(EvaluationReportMessage m, UnlearningSplit split) {
    return EngineReports.of(
        m, Math.max(1, split.forget().length), Math.max(1, split.unseen().length));
  }
}
