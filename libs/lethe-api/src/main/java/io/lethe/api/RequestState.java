package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Where one forget request stands, in the intake's ledger ({@code schemas/request-state.v1.json},
 * topic {@link Topics#INTAKE_LEDGER}, keyed by request id, compacted).
 *
 * @param idempotencyKeys the keys of the deletion events coalesced into {@code request}
 * @param acceptedAt when the earliest of those events was accepted, or null
 * @param error why a {@link State#FAILED} request can never be sent, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestState(
    String requestId,
    State state,
    List<String> idempotencyKeys,
    ForgetRequest request,
    Instant acceptedAt,
    String error,
    Instant updatedAt) {

  /** The life of a forget request in the intake. */
  public enum State {
    /** Recorded before the send: a restarted intake sends it again under the same id. */
    @JsonProperty("emitting")
    EMITTING,
    /** Acknowledged by the broker on {@code lethe.forget-requests}. */
    @JsonProperty("emitted")
    EMITTED,
    /** Can never be sent (see {@code error}); its idempotency keys may be submitted again. */
    @JsonProperty("failed")
    FAILED
  }

  /** The same request in another state. */
  public RequestState with(State next, String why, Instant at) {
    return new RequestState(requestId, next, idempotencyKeys, request, acceptedAt, why, at);
  }
}
