package io.lethe.api;

/**
 * A manual move of a registry alias ({@code schemas/alias-update.v1.json}), the body of {@code PUT
 * /v1/models/{modelId}/aliases/{alias}}.
 *
 * @param version the visible version the alias should point at
 * @param force {@code true} to promote even a version that failed its gates or predates a completed
 *     forgetting; {@code null} (absent) means {@code false}
 * @param reason why, recorded in the audit log; required with {@code force}
 */
public record AliasUpdate(int version, Boolean force, String reason) {

  /** A move without force or reason. */
  public AliasUpdate(int version) {
    this(version, null, null);
  }

  /** Whether the caller asked to override a refusal. */
  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
