package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The end of one unlearning job ({@code schemas/unlearning-result.v1.json}). On success {@code
 * version} and {@code checkpoint} are set and {@code error} is {@code null}; on failure the
 * reverse.
 *
 * @param parentVersion the version unlearning started from
 * @param version the new version (success only); for {@link HonouredBy#EXISTING_VERSION}, the
 *     existing version that already forgot every subject of the request
 * @param seconds wall-clock duration of the job
 * @param device the device of the worker that ran (or tried to run) the job, {@code cpu} or {@code
 *     gpu:N} (optional: absent from results of older workers and from re-announcements of a version
 *     made earlier)
 * @param honouredBy success only, optional: whether the job made a new version or found the
 *     request's subjects all forgotten by the newest one ({@code null}, as in results of older
 *     workers: a new version)
 * @param guard success of a new version only, optional: what the engine's utility guard decided
 *     during the run ({@code null}: the method ran without it, or an older worker)
 */
public record UnlearningResult(
    String requestId,
    String correlationId,
    String modelId,
    int parentVersion,
    Integer version,
    Method method,
    Status status,
    Checkpoint checkpoint,
    double seconds,
    String error,
    Instant completedAt,
    String device,
    HonouredBy honouredBy,
    Guard guard) {

  /** A result that does not say where the job ran, nor how it was honoured (a new version). */
  public UnlearningResult(
      String requestId,
      String correlationId,
      String modelId,
      int parentVersion,
      Integer version,
      Method method,
      Status status,
      Checkpoint checkpoint,
      double seconds,
      String error,
      Instant completedAt) {
    this(
        requestId,
        correlationId,
        modelId,
        parentVersion,
        version,
        method,
        status,
        checkpoint,
        seconds,
        error,
        completedAt,
        null,
        null,
        null);
  }

  /**
   * Whether a succeeded job stored a new version for the request; false when it found every subject
   * already forgotten by an existing one (and for failures).
   */
  public boolean madeNewVersion() {
    return status == Status.SUCCEEDED && honouredBy != HonouredBy.EXISTING_VERSION;
  }

  /** How the job ended. */
  public enum Status {
    @JsonProperty("succeeded")
    SUCCEEDED,
    @JsonProperty("failed")
    FAILED
  }

  /** How a succeeded request was honoured. */
  public enum HonouredBy {
    /** By the new version the job stored (unlearned from {@code parentVersion}). */
    @JsonProperty("new_version")
    NEW_VERSION,
    /**
     * By {@code version}, which existed already: the newest version of the model, made for other
     * requests, had forgotten every subject of this one, so nothing was unlearned or stored.
     */
    @JsonProperty("existing_version")
    EXISTING_VERSION
  }

  /**
   * The new checkpoint (for {@link HonouredBy#EXISTING_VERSION}, the existing version's).
   *
   * @param uri {@code s3://} or {@code file://} URI of the checkpoint directory
   * @param sha256 {@code sha256:<hex>} of {@code parameters.bin}
   * @param bytes size of {@code parameters.bin}
   */
  public record Checkpoint(String uri, String sha256, long bytes) {}

  /**
   * The engine's utility guard during the run: it watched accuracy on a held-out slice of the
   * retain set and braked (rolled back, halved the step) or stopped the method when accuracy fell
   * more than {@code margin} below the parent's on the same slice.
   *
   * @param checks checks taken (the final one included)
   * @param brakes times it rolled back and halved the step
   * @param stopped whether it ended the run at the last state within the margin
   * @param reason why the run ended as it did, in words
   * @param margin the margin, absolute accuracy
   * @param sliceSize retain samples watched
   * @param parentAccuracy the parent's accuracy on the slice
   * @param finalAccuracy the new version's accuracy on the slice
   */
  public record Guard(
      int checks,
      int brakes,
      boolean stopped,
      String reason,
      double margin,
      int sliceSize,
      double parentAccuracy,
      double finalAccuracy) {}
}
