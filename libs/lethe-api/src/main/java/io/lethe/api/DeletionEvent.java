package io.lethe.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An upstream request to forget data subjects ({@code schemas/deletion-event.v1.json}).
 *
 * @param correlationId optional; the intake generates one when absent
 * @param modelIds optional; {@code null} means every model trained on the subjects
 * @param reason optional free text for the audit trail
 * @param method optional preferred method
 * @param hyperparameters optional overrides (flat, scalar values)
 */
public record DeletionEvent(
    String eventId,
    String idempotencyKey,
    String correlationId,
    Instant occurredAt,
    String source,
    List<String> subjectIds,
    List<String> modelIds,
    String reason,
    Method method,
    Map<String, Object> hyperparameters) {}
