package io.lethe.api;

/**
 * An admin's order to purge a superseded model version now ({@code schemas/purge-order.v1.json}),
 * the body of the registry's {@code POST /v1/models/{modelId}/versions/{version}/purge}.
 *
 * @param reason why, recorded in the audit log
 */
public record PurgeOrder(String reason) {}
