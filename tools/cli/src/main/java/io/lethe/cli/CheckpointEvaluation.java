package io.lethe.cli;

import io.lethe.cli.report.ResultsWriter.NamedEvaluation;
import io.lethe.engine.checkpoint.CheckpointRequirements;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.Set;

/**
 * Evaluates checkpoints against one forget set: every model is measured on the same test, forget
 * and unseen samples, so their rows are comparable.
 */
final class CheckpointEvaluation {
  private final ImageDataset dataset;
  private final UnlearningSplit split;
  private final UnlearningEvaluator evaluator;
  private final ProgressListener progress;

  CheckpointEvaluation(
      ImageDataset dataset, Set<String> forgetSubjects, long seed, ProgressListener progress) {
    this.dataset = dataset;
    this.split = UnlearningSplit.of(dataset, forgetSubjects);
    this.evaluator = new UnlearningEvaluator(256, seed);
    this.progress = progress;
  }

  NamedEvaluation evaluate(String name, Path checkpoint, double seconds) {
    try (LoadedCheckpoint loaded =
        Checkpoints.load(
            checkpoint,
            CheckpointRequirements.builder()
                .optDatasetFingerprint(dataset.fingerprint())
                .build())) {
      UnlearningEvaluator.Evaluation evaluation =
          evaluator.evaluate(
              loaded.classifier(), dataset, split.test(), split.forget(), split.unseen(), progress);
      return new NamedEvaluation(name, evaluation, seconds);
    }
  }
}
