package io.lethe.worker;

import io.lethe.api.ForgetRequest;
import io.lethe.api.JobProgress.Stage;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.Violation;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UtilityGuardReport;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.engine.workflow.ModelLineage.UnlearnedCheckpoint;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.registry.store.DatasetRevision;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.HonouredRequest;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.NewVersion;
import io.lethe.service.limits.HyperparameterLimits;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forget request, end to end, as blocking code for the {@code lethe-unlearning} pool: read the
 * newest version of the model from the registry into memory (its checkpoint verified against the
 * version's manifest), load its training data, run the method through {@link ModelLineage} (so a
 * service-made checkpoint means what a CLI-made one does), tombstone the subjects in the dataset
 * and store the result as the next version. No model bytes touch the worker's disk. The worker
 * knows nothing of tensors.
 *
 * <p><b>Training data.</b> A version that names a registry dataset ({@code datasetId}) gets it from
 * the {@link DatasetStore}: the snapshot as uploaded (whose fingerprint the checkpoint pins), with
 * every subject tombstoned in the dataset's latest version kept out of the retain set, whichever
 * model forgot them; the request's own subjects stay available as the forget set. Other versions
 * load what their checkpoint's dataset source says ({@link ModelLineage#loadDatasetOf}).
 *
 * <p><b>Forgotten subjects.</b> The engine's checkpoint owns the cumulative list (the parent's plus
 * the request's, and for a retrain also the subjects it never saw); the version and the tombstones
 * record that list as it is.
 *
 * <p><b>Order.</b> Tombstones are written after the engine run and before the version, because the
 * version's manifest (immutable once visible) records the dataset revision they produced. A crash
 * between the two is repaired by redelivery: the run repeats from the snapshot and {@link
 * DatasetStore#tombstone} returns the existing revision. A crash after the version is stored is
 * caught by {@link #alreadyDone}, which costs two reads whatever the number of versions ({@link
 * ModelStore#honouredBy}, {@link ModelStore#versionMadeFor}).
 *
 * <p><b>Subjects already forgotten.</b> Two requests for one model can name the same subjects (a
 * burst split at the intake's size cap, or a person asking twice through two channels). Only the
 * subjects the parent has not forgotten yet are unlearned: the others' samples may already be
 * erased from the dataset. If none is left, nothing runs and no version is made: the parent, the
 * newest version, honours the request, which {@link ModelStore#recordHonouredBy} records
 * (write-once, so a redelivery finds it through {@link #alreadyDone}).
 *
 * <p><b>Bounds.</b> The request's hyperparameters are checked against the operator's {@link
 * HyperparameterLimits} before anything is downloaded (the intake checks them too, but forget
 * requests can be produced by anything), and the run has a time budget ({@link JobDeadline}): past
 * it, the engine is stopped at its next progress callback, its native resources are released by its
 * try-with-resources and the job fails with the reason, so the model's next request runs.
 */
final class UnlearningJob {
  private static final Logger LOG = LoggerFactory.getLogger(UnlearningJob.class);

  private final ModelStore store;
  private final DatasetStore datasets;
  private HyperparameterLimits limits = HyperparameterLimits.defaults();
  private Duration timeBudget = WorkerSettings.DEFAULT_JOB_TIMEOUT;
  private Duration abandonAfter = WorkerSettings.DEFAULT_ABANDONED_VERSION_GRACE;
  private ComputeDevice device = ComputeDevice.cpu();

  UnlearningJob(ModelStore store, DatasetStore datasets) {
    this.store = Objects.requireNonNull(store, "store");
    this.datasets = Objects.requireNonNull(datasets, "datasets");
  }

  /** The ranges requests must keep (default {@link HyperparameterLimits#defaults()}). */
  UnlearningJob optLimits(HyperparameterLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    return this;
  }

  /** Where the engine runs (default the CPU); checked by {@link WorkerSettings#fromEnv}. */
  UnlearningJob optDevice(ComputeDevice device) {
    this.device = Objects.requireNonNull(device, "device");
    return this;
  }

  /** Each run's time budget (default {@link WorkerSettings#DEFAULT_JOB_TIMEOUT}). */
  UnlearningJob optTimeBudget(Duration budget) {
    this.timeBudget = Objects.requireNonNull(budget, "budget");
    return this;
  }

  /**
   * How long a version may stay claimed but invisible before the next job of its model erases its
   * objects ({@link ModelStore#sweepAbandoned}); default {@link
   * WorkerSettings#DEFAULT_ABANDONED_VERSION_GRACE}.
   */
  UnlearningJob optAbandonAfter(Duration grace) {
    this.abandonAfter = Objects.requireNonNull(grace, "grace");
    return this;
  }

  /** Erases the half-written versions of {@code modelId} a killed worker left behind. */
  private void sweep(String modelId) {
    List<Integer> swept = store.sweepAbandoned(modelId, Instant.now().minus(abandonAfter));
    if (!swept.isEmpty()) {
      LOG.info("{}: erased the objects of abandoned, never visible versions {}", modelId, swept);
    }
  }

  /**
   * What a job left in the registry: the version that honours the request, and whether it was made
   * for it ({@code false}: an existing version had already forgotten every subject).
   *
   * @param guard the engine's utility-guard report of the run that made the version; null when no
   *     engine ran here (honoured by an existing version, re-announced, retraining) or the guard
   *     was off
   */
  record Outcome(ModelVersionManifest version, boolean madeNew, UtilityGuardReport guard) {
    Outcome(ModelVersionManifest version, boolean madeNew) {
      this(version, madeNew, null);
    }
  }

  /**
   * What an earlier delivery of {@code request} already left, if anything: the version made for it,
   * or the existing version recorded as honouring it. Kafka delivers at least once, and a crash
   * between storing and committing the offset must not unlearn (or record) twice.
   */
  Optional<Outcome> alreadyDone(ForgetRequest request) {
    Optional<HonouredRequest> honoured = store.honouredBy(request.modelId(), request.requestId());
    if (honoured.isPresent()) {
      return Optional.of(
          new Outcome(store.manifest(request.modelId(), honoured.get().version()), false));
    }
    return store
        .versionMadeFor(request.modelId(), request.requestId())
        .map(m -> new Outcome(m, true));
  }

  /**
   * Runs the request and stores the new version, or records that the newest version honours it
   * already.
   *
   * @return the version stored, or the existing one that honours the request
   * @throws IllegalArgumentException for a request that can never succeed (hyperparameters outside
   *     the limits or unsupported, another dataset, unknown subjects)
   * @throws JobTimedOutException if the run exceeds its time budget
   */
  Outcome run(ForgetRequest request, JobProgressReporter progress) throws IOException {
    JobDeadline deadline = JobDeadline.start(timeBudget, System::nanoTime);
    // Settings first: a bad request fails before anything is downloaded.
    if (request.method() != Method.DLFD && request.method() != Method.RETRAIN) {
      throw new IllegalArgumentException("unsupported method " + request.method());
    }
    List<Violation> violations = limits.check(request.method(), request.hyperparameters());
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "hyperparameters outside the operator's limits: "
              + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    }
    DlfdConfig dlfd =
        request.method() == Method.DLFD ? MethodSettings.dlfd(request.hyperparameters()) : null;
    progress.stage(Stage.LOADING, 0, 1);
    int base = parentVersionFor(request);
    ModelVersionManifest parent = store.manifest(request.modelId(), base);
    if (!parent.datasetVersion().equals(request.datasetVersion())) {
      throw new IllegalArgumentException(
          "request is for dataset "
              + request.datasetVersion()
              + " but "
              + request.modelId()
              + " v"
              + base
              + " was trained on "
              + parent.datasetVersion());
    }
    Set<String> forget = new TreeSet<>(request.subjectIds());
    forget.removeAll(parent.subjectsForgotten());
    if (forget.isEmpty()) {
      return honouredByParent(request, parent);
    }
    if (forget.size() < request.subjectIds().size()) {
      LOG.info(
          "request {}: {} of its {} subject(s) already forgotten by {} v{}; unlearning the other {}",
          request.requestId(),
          request.subjectIds().size() - forget.size(),
          request.subjectIds().size(),
          request.modelId(),
          base,
          forget.size());
    }
    Checkpoint parentCheckpoint = store.checkpoint(request.modelId(), base);
    TrainingData data = trainingData(parent, parentCheckpoint.manifest(), forget);
    progress.stage(Stage.LOADING, 1, 1);
    deadline.check("loading", 1, 1);

    // Checked at every engine callback. Not after the engine is done: what remains is a bounded
    // upload, and discarding a finished run would only make the data subjects wait longer.
    ProgressListener watched = deadline.watching(progress);
    Checkpoint result;
    UtilityGuardReport guard = null;
    if (request.method() == Method.DLFD) {
      UnlearnedCheckpoint unlearned =
          ModelLineage.unlearn(
              parentCheckpoint,
              data.dataset(),
              new Dlfd(dlfd),
              forget,
              data.tombstoned(),
              watched,
              device);
      result = unlearned.checkpoint();
      UtilityGuardReport report = unlearned.outcome().guard();
      guard = report.enabled() ? report : null;
      LOG.info("request {}: utility guard: {}", request.requestId(), report.summary());
    } else {
      TrainingRecipe recipe =
          MethodSettings.retrain(
              request.hyperparameters(), parentCheckpoint.manifest().hyperparameters());
      result =
          ModelLineage.retrain(
              parentCheckpoint.manifest(),
              data.dataset(),
              parentCheckpoint.manifest().modelSpec(),
              recipe,
              forget,
              data.tombstoned(),
              watched,
              device);
    }

    progress.stage(Stage.SAVING, 0, 1);
    // The engine's checkpoint owns the cumulative list: the parent's, these, and for a retrain
    // also what it never saw.
    List<String> subjects = result.manifest().forgottenSubjects();
    if (!subjects.containsAll(parent.subjectsForgotten())) {
      throw new IllegalStateException(
          request.modelId()
              + " v"
              + base
              + " records forgotten subjects its checkpoint does not: the lineage is broken");
    }
    NewVersion.Builder version =
        NewVersion.builder(
                request.method(),
                result.manifest().toJson(),
                result.parameters(),
                parent.datasetVersion())
            .optParentVersion(base)
            .optForgetRequestIds(List.of(request.requestId()))
            .optSubjectsForgotten(subjects);
    if (parent.datasetId() != null) {
      DatasetRevision revision = datasets.tombstone(parent.datasetId(), subjects);
      version.optDataset(parent.datasetId(), revision.version());
    }
    sweep(request.modelId());
    // Checked again just before writing: a worker that lost the partition during a long job (a
    // pause longer than the session timeout) and the partition's new owner must not both store.
    Optional<Outcome> meanwhile = alreadyDone(request);
    if (meanwhile.isPresent()) {
      LOG.info(
          "job {} was finished meanwhile as v{} (by another worker): not storing it twice",
          request.requestId(),
          meanwhile.get().version().version());
      return meanwhile.get();
    }
    ModelVersionManifest stored = store.putVersion(request.modelId(), version.build());
    progress.stage(Stage.SAVING, 1, 1);
    return new Outcome(stored, true, guard);
  }

  /**
   * {@code parent} (the newest version) already forgot every subject of {@code request}: records
   * that it honours the request instead of running the engine. The record is write-once, so a
   * racing delivery's record wins and its version is returned.
   */
  private Outcome honouredByParent(ForgetRequest request, ModelVersionManifest parent) {
    HonouredRequest record =
        store.recordHonouredBy(request.modelId(), request.requestId(), parent.version());
    LOG.info(
        "request {}: all {} subject(s) already forgotten by {} v{}: no unlearning, no new version;"
            + " recorded as honoured by v{}",
        request.requestId(),
        request.subjectIds().size(),
        request.modelId(),
        parent.version(),
        record.version());
    ModelVersionManifest honouring =
        record.version() == parent.version()
            ? parent
            : store.manifest(request.modelId(), record.version());
    return new Outcome(honouring, false);
  }

  /**
   * The version to unlearn from: the newest one. The intake's {@code baseVersion} is stale when
   * requests for one model queue up, and each version must keep every earlier forgetting (the
   * engine carries the parent's forgotten subjects forward).
   */
  private int parentVersionFor(ForgetRequest request) {
    List<Integer> versions = store.versions(request.modelId());
    int newest = versions.isEmpty() ? request.baseVersion() : versions.get(versions.size() - 1);
    if (newest > request.baseVersion()) {
      LOG.info(
          "request {}: {} v{} is newer than the requested base v{}; unlearning from v{}",
          request.requestId(),
          request.modelId(),
          newest,
          request.baseVersion(),
          newest);
      return newest;
    }
    return request.baseVersion();
  }

  /** The data an engine run sees, and the subjects it must keep out of the retain set. */
  private record TrainingData(ImageDataset dataset, Set<String> tombstoned) {}

  private TrainingData trainingData(
      ModelVersionManifest parent, CheckpointManifest checkpoint, Set<String> forget)
      throws IOException {
    String datasetId = parent.datasetId();
    if (datasetId == null) {
      return new TrainingData(ModelLineage.loadDatasetOf(checkpoint), Set.of());
    }
    // The snapshot, not a tombstoned version: the checkpoint pins the uploaded content, and the
    // request's subjects (perhaps already tombstoned through another model) are the forget set.
    ImageDataset dataset = datasets.materialise(datasetId, 0);
    if (!dataset.fingerprint().equals(checkpoint.dataset().fingerprint())) {
      throw new IllegalArgumentException(
          "dataset "
              + datasetId
              + " has fingerprint "
              + dataset.fingerprint()
              + " but "
              + parent.modelId()
              + " v"
              + parent.version()
              + " was trained on "
              + checkpoint.dataset().fingerprint());
    }
    Set<String> tombstoned =
        new TreeSet<>(datasets.tombstonedSubjects(datasetId, datasets.latest(datasetId)));
    tombstoned.removeAll(forget);
    return new TrainingData(dataset, tombstoned);
  }
}
