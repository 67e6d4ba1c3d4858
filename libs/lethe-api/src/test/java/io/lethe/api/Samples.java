package io.lethe.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One valid instance of every message. */
final class Samples {
  static final String SHA = "sha256:" + "ab".repeat(32);
  static final String DATASET = "sha256:" + "0f".repeat(32);
  static final Instant AT = Instant.parse("2025-01-31T12:00:00.123Z");

  static DeletionEvent deletionEvent() {
    return new DeletionEvent(
        "evt-1",
        "crm:erasure:1",
        "corr-1",
        AT,
        "crm",
        List.of("subject-17", "subject 42"),
        List.of("mufac-resnet18"),
        "erasure request",
        Method.DLFD,
        Map.of("alpha", 0.001, "epochs", 5, "relative", true));
  }

  static ForgetRequest forgetRequest() {
    return new ForgetRequest(
        "fr-1",
        "corr-1",
        "mufac-resnet18",
        3,
        Method.RETRAIN,
        null,
        List.of("subject-17"),
        List.of("train/0017_01.png", "train/0017_02.png"),
        List.of("evt-1", "evt-2"),
        DATASET,
        AT);
  }

  static JobProgress jobProgress(Double forgettingScore) {
    return new JobProgress(
        "fr-1",
        "corr-1",
        "mufac-resnet18",
        3,
        JobProgress.Stage.UNLEARNING,
        4,
        10,
        forgettingScore,
        128,
        AT);
  }

  static UnlearningResult succeeded() {
    return new UnlearningResult(
        "fr-1",
        "corr-1",
        "mufac-resnet18",
        3,
        4,
        Method.DLFD,
        UnlearningResult.Status.SUCCEEDED,
        new UnlearningResult.Checkpoint("s3://lethe-models/mufac-resnet18/v4/", SHA, 1234),
        37.5,
        null,
        AT);
  }

  static UnlearningResult failed() {
    return new UnlearningResult(
        "fr-2",
        "corr-2",
        "mufac-resnet18",
        4,
        null,
        Method.RETRAIN,
        UnlearningResult.Status.FAILED,
        null,
        2.25,
        "out of memory",
        AT);
  }

  static EvaluationReportMessage evaluation(double testAccuracy) {
    return new EvaluationReportMessage(
        "fr-1",
        "corr-1",
        "mufac-resnet18",
        4,
        testAccuracy,
        0.8,
        new EvaluationReportMessage.Mia(0.538, 0.012, List.of(0.531, 0.549)),
        0.038,
        0.768,
        List.of(
            new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.038 <= 0.05"),
            new EvaluationReportMessage.Gate("maxAccuracyDrop", false, null)),
        false,
        AT);
  }

  static EvaluationReportMessage evaluationWithAttacks() {
    EvaluationReportMessage m = evaluation(0.612);
    return new EvaluationReportMessage(
        m.requestId(),
        m.correlationId(),
        m.modelId(),
        m.version(),
        m.testAccuracy(),
        m.testTop2Accuracy(),
        m.mia(),
        m.forgettingScore(),
        m.nomus(),
        m.gates(),
        m.passed(),
        m.evaluatedAt(),
        List.of(
            new EvaluationReportMessage.Attack("loss", 0.538, 0.012, 0.038),
            new EvaluationReportMessage.Attack("modified_entropy", 0.544, 0.013, 0.044)));
  }

  static ModelVersionManifest manifest() {
    return new ModelVersionManifest(
        "mufac-resnet18",
        4,
        3,
        Method.DLFD,
        List.of("fr-1"),
        List.of("subject-17"),
        DATASET,
        "s3://lethe-models/mufac-resnet18/v4/",
        List.of(new ModelVersionManifest.StoredObject("parameters.bin", SHA, 1234)),
        new ModelVersionManifest.Metrics(0.6, 0.8, 0.54, 0.04, 0.77, true, AT),
        AT,
        "mufac",
        2,
        null);
  }

  static ModelVersionManifest originalManifest() {
    return new ModelVersionManifest(
        "mufac-resnet18",
        1,
        null,
        Method.TRAIN,
        List.of(),
        List.of(),
        DATASET,
        "file:///var/lethe/models/mufac-resnet18/v1/",
        List.of(new ModelVersionManifest.StoredObject("parameters.bin", SHA, 1234)),
        null,
        AT,
        null,
        null,
        null);
  }

  static Problem notFound() {
    return new Problem(
        "about:blank", "Not Found", 404, null, "/v1/requests/fr-9", null, "fr-9", "corr-9");
  }

  static List<Record> all() {
    return List.of(
        deletionEvent(),
        forgetRequest(),
        jobProgress(0.07),
        jobProgress(null),
        succeeded(),
        failed(),
        evaluation(0.6),
        evaluationWithAttacks(),
        manifest(),
        originalManifest(),
        notFound());
  }

  private Samples() {}
}
