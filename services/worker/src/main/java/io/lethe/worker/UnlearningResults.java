package io.lethe.worker;

import io.lethe.api.ForgetRequest;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.unlearn.UtilityGuardReport;
import java.time.Instant;

/**
 * The {@link UnlearningResult} a job announces: the version that forgets the request's subjects
 * (made now, or found from an earlier run), or why the job failed for good.
 */
final class UnlearningResults {
  private UnlearningResults() {}

  /**
   * The result of a job that made a version or found one that already forgets its subjects.
   *
   * @param device where the job ran; null when it found an earlier job's version
   */
  static UnlearningResult succeeded(
      ForgetRequest r,
      UnlearningJob.Outcome done,
      String correlationId,
      double seconds,
      String device,
      Instant at) {
    ModelVersionManifest m = done.version();
    ModelVersionManifest.StoredObject parameters =
        m.objects().stream()
            .filter(o -> o.key().equals(Checkpoints.PARAMETERS_FILE))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "manifest of "
                            + m.modelId()
                            + " v"
                            + m.version()
                            + " lists no parameters"));
    // The version the job started from: the made version's parent (a newer base if rebased), or
    // the existing version itself.
    int parentVersion;
    if (!done.madeNew()) {
      parentVersion = m.version();
    } else {
      parentVersion = m.parentVersion() == null ? r.baseVersion() : m.parentVersion();
    }
    return new UnlearningResult(
        r.requestId(),
        correlationId,
        r.modelId(),
        parentVersion,
        m.version(),
        r.method(),
        UnlearningResult.Status.SUCCEEDED,
        new UnlearningResult.Checkpoint(m.checkpointUri(), parameters.sha256(), parameters.bytes()),
        seconds,
        null,
        at,
        device,
        done.madeNew()
            ? UnlearningResult.HonouredBy.NEW_VERSION
            : UnlearningResult.HonouredBy.EXISTING_VERSION,
        guard(done.guard()));
  }

  /** The engine's guard report as the result message carries it; null without one. */
  static UnlearningResult.Guard guard(UtilityGuardReport g) {
    if (g == null || !g.enabled()) {
      return null;
    }
    String reason = g.reason().length() > 1000 ? g.reason().substring(0, 997) + "..." : g.reason();
    return new UnlearningResult.Guard(
        g.checks(),
        g.brakes(),
        g.stopped(),
        reason,
        g.margin(),
        g.sliceSize(),
        g.parentAccuracy(),
        g.finalAccuracy());
  }

  /** The result of a job that failed for good, with the failure as its error (clipped). */
  static UnlearningResult failed(
      ForgetRequest r,
      Throwable failure,
      String correlationId,
      double seconds,
      String device,
      Instant at) {
    String message = failure.getMessage();
    String error =
        failure.getClass().getSimpleName()
            + (message == null || message.isBlank() ? "" : ": " + message);
    if (error.length() > 4000) {
      error = error.substring(0, 3997) + "...";
    }
    return new UnlearningResult(
        r.requestId(),
        correlationId,
        r.modelId(),
        r.baseVersion(),
        null,
        r.method(),
        UnlearningResult.Status.FAILED,
        null,
        seconds,
        error,
        at,
        device,
        null,
        null);
  }
}
