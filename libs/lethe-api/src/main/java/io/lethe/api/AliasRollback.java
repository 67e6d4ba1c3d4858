package io.lethe.api;

/**
 * The optional body of the registry's {@code POST /v1/models/{modelId}/aliases/{alias}/rollback}
 * ({@code schemas/alias-rollback.v1.json}).
 *
 * @param force {@code true} to roll back even to a version that predates a completed forgetting;
 *     {@code null} (absent) means {@code false}
 * @param reason why, recorded in the audit log; required with {@code force}
 */
public record AliasRollback(Boolean force, String reason) {
  /** No force, no reason: an empty body. */
  public static final AliasRollback PLAIN = new AliasRollback(null, null);

  /** Whether the caller asked to override the rollback guard. */
  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
