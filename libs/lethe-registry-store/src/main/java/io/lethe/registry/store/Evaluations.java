package io.lethe.registry.store;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.ModelVersionManifest.Metrics;
import java.util.Objects;
import java.util.Optional;

/**
 * The evaluations of {@link ModelStore}'s versions: one write-once {@code evaluation.json} (an
 * {@link EvaluationReportMessage}) per version, so the manifest that made the version visible is
 * never rewritten; manifests are read with {@code metrics} filled in from it.
 */
final class Evaluations {
  private final Bucket bucket;
  private final MessageCodec codec;
  private final VersionManifests manifests;

  Evaluations(Bucket bucket, MessageCodec codec, VersionManifests manifests) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.manifests = Objects.requireNonNull(manifests, "manifests");
  }

  /** See {@link ModelStore#attachEvaluation}. */
  ModelVersionManifest attach(EvaluationReportMessage report) {
    ModelVersionManifest stored = manifests.stored(report.modelId(), report.version());
    byte[] bytes = codec.encode(report);
    String key = ModelKeys.object(report.modelId(), report.version(), ModelKeys.EVALUATION);
    if (!bucket.putIfAbsent(key, bytes, ModelStore.JSON)) {
      EvaluationReportMessage existing = read(report.modelId(), report.version()).get();
      if (!existing.equals(report)) {
        throw new StoreException(
            "model "
                + report.modelId()
                + " v"
                + report.version()
                + " is already evaluated (request "
                + existing.requestId()
                + ", "
                + existing.evaluatedAt()
                + "); evaluations are write-once, so store a new version to re-evaluate");
      }
    }
    return withMetrics(stored, report);
  }

  /** The evaluation of a version, if it has one. */
  Optional<EvaluationReportMessage> read(String modelId, int version) {
    String key = ModelKeys.object(modelId, version, ModelKeys.EVALUATION);
    return bucket
        .get(key)
        .map(bytes -> manifests.decode(key, bytes, EvaluationReportMessage.class));
  }

  /** The manifest of a visible version, with {@code metrics} from its evaluation if it has one. */
  ModelVersionManifest manifest(String modelId, int version) {
    ModelVersionManifest stored = manifests.stored(modelId, version);
    return read(modelId, version).map(report -> withMetrics(stored, report)).orElse(stored);
  }

  private static ModelVersionManifest withMetrics(
      ModelVersionManifest m, EvaluationReportMessage r) {
    Metrics metrics =
        new Metrics(
            r.testAccuracy(),
            r.testTop2Accuracy(),
            r.mia().accuracy(),
            r.forgettingScore(),
            r.nomus(),
            r.passed(),
            r.evaluatedAt());
    return new ModelVersionManifest(
        m.modelId(),
        m.version(),
        m.parentVersion(),
        m.method(),
        m.forgetRequestIds(),
        m.subjectsForgotten(),
        m.datasetVersion(),
        m.checkpointUri(),
        m.objects(),
        metrics,
        m.createdAt(),
        m.datasetId(),
        m.datasetRevision(),
        m.format());
  }
}
