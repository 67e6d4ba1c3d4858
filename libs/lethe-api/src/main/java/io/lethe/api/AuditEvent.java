package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of the registry's append-only audit log ({@code schemas/audit-event.v1.json}). Holds no
 * subject id: subjects are counted.
 *
 * @param eventId derived from what happened, so a redelivered source record maps to the same entry
 * @param at when it happened (the source record's own time)
 * @param actor the API token's name for a call over HTTP, else {@code service:<name>}
 * @param requestIds the forget requests the entry concerns (the log is indexed by each)
 * @param modelId the model, or null
 * @param version the model version, or null
 * @param datasetId the dataset, or null
 * @param data flat figures: strings, numbers, booleans
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
    String eventId,
    Instant at,
    Kind kind,
    String actor,
    List<String> requestIds,
    String modelId,
    Integer version,
    String datasetId,
    String detail,
    Map<String, Object> data) {

  /** What changed. */
  public enum Kind {
    @JsonProperty("request.emitting")
    REQUEST_EMITTING,
    @JsonProperty("request.emitted")
    REQUEST_EMITTED,
    @JsonProperty("request.failed")
    REQUEST_FAILED,
    @JsonProperty("unlearning.succeeded")
    UNLEARNING_SUCCEEDED,
    @JsonProperty("unlearning.failed")
    UNLEARNING_FAILED,
    @JsonProperty("evaluation.recorded")
    EVALUATION_RECORDED,
    @JsonProperty("alias.promoted")
    ALIAS_PROMOTED,
    @JsonProperty("alias.rolled_back")
    ALIAS_ROLLED_BACK,
    @JsonProperty("version.purge_scheduled")
    VERSION_PURGE_SCHEDULED,
    @JsonProperty("version.purged")
    VERSION_PURGED,
    @JsonProperty("dataset.erased")
    DATASET_ERASED
  }

  /** The prefix of {@link #actor} for a service acting on its own. */
  public static final String SERVICE_ACTOR_PREFIX = "service:";

  public AuditEvent {
    requestIds = requestIds == null ? List.of() : List.copyOf(requestIds);
    data = data == null ? Map.of() : Map.copyOf(data);
  }
}
