package io.lethe.embedded;

import io.lethe.api.Contract;
import io.lethe.api.DeletionEvent;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.CheckpointRequirements;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.format.data.ImageDataset;
import io.lethe.registry.service.RegistrySettings;
import io.lethe.registry.store.ModelStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * One deletion event through a started {@link EmbeddedPipeline}: measures the parent on the forget
 * set, publishes the event to {@code lethe.deletion-events}, follows {@code lethe.job-progress},
 * {@code lethe.unlearning-results} and {@code lethe.evaluations} until the new version is evaluated
 * and, if it passed, waits for the registry's API to show {@code production} on it.
 */
final class PipelineDeletion {
  private final PipelineServices services;
  private final ModelStore store;
  private final String modelId;
  private final ImageDataset dataset;
  private final PipelineOriginal parent;
  private ProgressListener progress = ProgressListener.NONE;
  private PrintStream log = System.out;

  /**
   * @param store the registry's models
   * @param modelId the registry's model id
   * @param dataset the dataset the parent was trained on
   * @param parent the original, the parent of the new version; measured on the forget set from its
   *     local checkpoint
   */
  PipelineDeletion(
      PipelineServices services,
      ModelStore store,
      String modelId,
      ImageDataset dataset,
      PipelineOriginal parent) {
    this.services = services;
    this.store = store;
    this.modelId = modelId;
    this.dataset = dataset;
    this.parent = parent;
  }

  /** Where the job's progress is shown (default: nowhere). */
  PipelineDeletion optProgress(ProgressListener progress) {
    this.progress = progress;
    return this;
  }

  /** Where one-line status messages go (default standard output). */
  PipelineDeletion optLog(PrintStream log) {
    this.log = log;
    return this;
  }

  /**
   * Publishes one deletion event naming {@code subjects} and waits until the version made from it
   * is evaluated (and promoted, if it passed).
   *
   * @param hyperparameters method overrides carried by the event (flat, scalar values)
   * @throws TimeoutException if the evaluation does not arrive within {@code timeout}
   * @throws PipelineException if the unlearning job failed
   */
  PipelineRun forget(Set<String> subjects, Map<String, Object> hyperparameters, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    SortedSet<String> forget = new TreeSet<>(subjects);
    EvaluationReport parentReport = measure(dataset, parent.dir(), forget);
    String correlationId = "pipeline-" + UUID.randomUUID();
    try (PipelineWatch watch = new PipelineWatch(services.bootstrapServers(), correlationId)) {
      DeletionEvent event =
          new DeletionEvent(
              "evt-" + UUID.randomUUID(),
              "idem-" + UUID.randomUUID(),
              correlationId,
              Instant.now().truncatedTo(ChronoUnit.MILLIS),
              "lethe-pipeline",
              List.copyOf(forget),
              null,
              "embedded pipeline demo",
              Method.DLFD,
              hyperparameters.isEmpty() ? null : hyperparameters);
      PipelineServices.await(
          services
              .producer()
              .send(Contract.DELETION_EVENT, event.idempotencyKey(), event, correlationId));
      log.printf(
          "event: forget %d subject(s) published to lethe.deletion-events (correlation %s)%n",
          forget.size(), correlationId);
      JobProgressBar bar = new JobProgressBar(progress);
      int progressRecords = 0;
      UnlearningResult result = null;
      try {
        while (System.nanoTime() < deadline) {
          for (PipelineWatch.Seen seen : watch.poll(Duration.ofMillis(250))) {
            if (seen instanceof PipelineWatch.Progress p) {
              progressRecords++;
              bar.accept(p.progress());
            } else if (seen instanceof PipelineWatch.Result r) {
              result = r.result();
              if (result.status() != UnlearningResult.Status.SUCCEEDED) {
                throw new PipelineException(
                    "unlearning " + result.requestId() + " failed: " + result.error());
              }
              log.printf(
                  "%nworker: %s v%d stored in %.1f s; evaluating%n",
                  result.modelId(), result.version(), result.seconds());
            } else if (seen instanceof PipelineWatch.Evaluation e) {
              EvaluationReportMessage report = e.report();
              int production = production(report, deadline);
              ModelVersionManifest version = store.manifest(modelId, report.version());
              return new PipelineRun(
                  forget,
                  correlationId,
                  parent.version(),
                  parentReport,
                  parent.trainingSeconds(),
                  result,
                  report,
                  version,
                  production,
                  progressRecords);
            }
          }
        }
      } finally {
        bar.finish();
      }
      throw new TimeoutException(
          "no evaluation within "
              + timeout
              + (result == null
                  ? " (no unlearning result either: is the worker stuck?)"
                  : " (the worker finished v" + result.version() + ")"));
    }
  }

  /**
   * Where {@code production} points once the registry service has read {@code report}: for a
   * passing version, waits until the registry's API shows the alias on it; a failing one is never
   * promoted, so the alias is read as it is.
   */
  private int production(EvaluationReportMessage report, long deadline) throws Exception {
    String alias = RegistrySettings.DEFAULT_ALIAS;
    if (!report.passed()) {
      log.printf("registry: v%d failed its gates: not promoted%n", report.version());
      return services.registryApi().alias(modelId, alias).orElse(-1);
    }
    log.printf(
        "evaluator: v%d passed its gates; waiting for the registry to promote it%n",
        report.version());
    int version = services.registryApi().awaitAlias(modelId, alias, report.version(), deadline);
    log.printf(
        "registry: %s now v%d (%s)%n",
        alias, version, services.registryApi().aliasUri(modelId, alias));
    return version;
  }

  /**
   * The checkpoint in {@code dir} on the forget set of {@code subjects}, as the evaluator measures.
   */
  static EvaluationReport measure(ImageDataset dataset, Path dir, SortedSet<String> subjects) {
    UnlearningSplit split = UnlearningSplit.of(dataset, subjects);
    try (LoadedCheckpoint loaded =
        Checkpoints.load(
            dir,
            CheckpointRequirements.builder()
                .optDatasetFingerprint(dataset.fingerprint())
                .build())) {
      return new UnlearningEvaluator(
              PipelineServices.EVALUATION_BATCH, PipelineServices.EVALUATION_SEED)
          .evaluate(
              loaded.classifier(),
              dataset,
              split.test(),
              split.forget(),
              split.unseen(),
              ProgressListener.NONE)
          .report();
    }
  }
}
