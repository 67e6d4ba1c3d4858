package io.lethe.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One model's unlearning job ({@code schemas/forget-request.v1.json}).
 *
 * @param baseVersion the model version to unlearn from
 * @param hyperparameters optional overrides (flat, scalar values)
 * @param sampleIds the training samples of the subjects in this model's dataset
 * @param sourceEventIds the deletion events coalesced into this request
 * @param datasetVersion {@code sha256:<hex>} fingerprint of the training dataset
 */
public record ForgetRequest(
    String requestId,
    String correlationId,
    String modelId,
    int baseVersion,
    Method method,
    Map<String, Object> hyperparameters,
    List<String> subjectIds,
    List<String> sampleIds,
    List<String> sourceEventIds,
    String datasetVersion,
    Instant requestedAt) {}
