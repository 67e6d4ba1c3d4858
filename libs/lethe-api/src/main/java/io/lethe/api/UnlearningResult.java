package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The end of one unlearning job ({@code schemas/unlearning-result.v1.json}). On success {@code
 * version} and {@code checkpoint} are set and {@code error} is {@code null}; on failure the
 * reverse.
 *
 * @param parentVersion the version unlearning started from
 * @param version the new version (success only)
 * @param seconds wall-clock duration of the job
 * @param device the device of the worker that ran (or tried to run) the job, {@code cpu} or {@code
 *     gpu:N} (optional: absent from results of older workers and from re-announcements of a version
 *     made earlier)
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
    String device) {

  /** A result that does not say where the job ran. */
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
        null);
  }

  /** How the job ended. */
  public enum Status {
    @JsonProperty("succeeded")
    SUCCEEDED,
    @JsonProperty("failed")
    FAILED
  }

  /**
   * The new checkpoint.
   *
   * @param uri {@code s3://} or {@code file://} URI of the checkpoint directory
   * @param sha256 {@code sha256:<hex>} of {@code parameters.bin}
   * @param bytes size of {@code parameters.bin}
   */
  public record Checkpoint(String uri, String sha256, long bytes) {}
}
