package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Progress of one unlearning job ({@code schemas/job-progress.v1.json}).
 *
 * @param step steps done so far in this stage
 * @param total steps in this stage
 * @param forgettingScore {@code |MIA accuracy - 0.5|} now, or {@code null} when not measured
 * @param perturbed samples perturbed so far
 */
public record JobProgress(
    String requestId,
    String correlationId,
    String modelId,
    int baseVersion,
    Stage stage,
    int step,
    int total,
    @JsonInclude(JsonInclude.Include.ALWAYS) Double forgettingScore,
    int perturbed,
    Instant emittedAt) {

  /** Where a job is. */
  public enum Stage {
    @JsonProperty("queued")
    QUEUED,
    @JsonProperty("loading")
    LOADING,
    @JsonProperty("unlearning")
    UNLEARNING,
    @JsonProperty("saving")
    SAVING,
    @JsonProperty("done")
    DONE,
    @JsonProperty("failed")
    FAILED
  }
}
