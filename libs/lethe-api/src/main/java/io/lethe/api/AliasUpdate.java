package io.lethe.api;

/**
 * A manual move of a registry alias ({@code schemas/alias-update.v1.json}), the body of {@code PUT
 * /v1/models/{modelId}/aliases/{alias}}.
 *
 * @param version the visible version the alias should point at
 * @param force {@code true} to promote even a version that failed its gates; {@code null} (absent)
 *     means {@code false}
 */
public record AliasUpdate(int version, Boolean force) {

  /** Whether the caller asked to override a failed evaluation. */
  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
