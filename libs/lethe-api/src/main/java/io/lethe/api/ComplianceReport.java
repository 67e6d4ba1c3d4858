package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What happened to one forget request ({@code schemas/compliance-report.v1.json}), the body of the
 * registry's {@code GET /v1/requests/{requestId}/report}. Subjects are counted, not named.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComplianceReport(
    String requestId,
    Instant generatedAt,
    Status status,
    String modelId,
    Instant acceptedAt,
    Instant completedAt,
    Integer subjects,
    Integer sourceEvents,
    List<String> sourceEventIds,
    List<VersionEntry> versions,
    List<Purge> purges,
    List<PendingPurge> pendingPurges,
    List<DatasetErasure> datasetErasures,
    List<AuditEvent> events) {

  /** Where the request stands. */
  public enum Status {
    @JsonProperty("pending")
    PENDING,
    @JsonProperty("failed")
    FAILED,
    @JsonProperty("unlearned")
    UNLEARNED,
    @JsonProperty("gates_failed")
    GATES_FAILED,
    @JsonProperty("completed")
    COMPLETED
  }

  /**
   * A model version made for the request, with its figures once evaluated; or, with {@code
   * madeForAnotherRequest} true, the existing version that already forgot every subject of the
   * request when its job ran (no version was made for it).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionEntry(
      int version,
      Integer parentVersion,
      String method,
      Instant createdAt,
      Double unlearningSeconds,
      Double testAccuracy,
      Double miaAccuracy,
      Double forgettingScore,
      Double nomus,
      List<EvaluationReportMessage.Gate> gates,
      Boolean passed,
      Instant evaluatedAt,
      boolean served,
      Instant purgedAt,
      Boolean madeForAnotherRequest) {}

  /** A version that still encoded the request's subjects, purged. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Purge(
      String modelId,
      int version,
      Instant purgedAt,
      int deletedObjects,
      long deletedBytes,
      String actor,
      String reason) {}

  /** A version that still encodes the request's subjects, and when it will be purged. */
  public record PendingPurge(String modelId, int version, Instant dueAt) {}

  /** A rewrite of the dataset without the request's subjects' samples. */
  public record DatasetErasure(
      String datasetId, Instant erasedAt, int samplesRemoved, int deletedObjects) {}
}
