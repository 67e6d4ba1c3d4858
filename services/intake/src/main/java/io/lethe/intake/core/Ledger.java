package io.lethe.intake.core;

import io.lethe.api.RequestState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where the intake keeps the state of every forget request it made, shared by its replicas and kept
 * across restarts: what makes idempotency keys and request status durable. The core reads and
 * writes it through this interface; {@code io.lethe.intake.kafka.RequestLedger} keeps it in a
 * compacted topic.
 */
public interface Ledger {
  /** Writes {@code state} durably and applies it to this replica's view. */
  Future<Void> record(RequestState state);

  /** The latest state of {@code requestId}, if it was ever recorded. */
  Optional<RequestState> request(String requestId);

  /** Every recorded request that coalesced an event with {@code idempotencyKey}, oldest first. */
  List<RequestState> byKey(String idempotencyKey);

  /**
   * Whether {@code idempotencyKey} belongs to a request that was or is being sent: a repeat of it
   * must not make another one. A key whose requests all failed may be submitted again.
   */
  default boolean honours(String idempotencyKey) {
    return byKey(idempotencyKey).stream().anyMatch(s -> s.state() != RequestState.State.FAILED);
  }
}
