package io.lethe.service.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a bearer token may do on the services' HTTP APIs. Every route declares the scopes that admit
 * it when it is registered (see {@link BearerAuth#requires(Scope)}).
 *
 * <p><b>Implication.</b> {@link #ADMIN} implies {@link #READ}: an operator who may move an alias
 * must be able to see what it points at, and a token file that had to list both would invite tokens
 * that can promote blind. {@link #SUBMIT} and {@link #READ} are independent: a data owner's system
 * that posts deletions learns what became of its own deletion by its idempotency key, but cannot
 * browse the registry or other requests; a dashboard that reads cannot erase anything.
 */
public enum Scope {
  /** Post deletions ({@code POST /v1/deletions}) and read a deletion's status by its key. */
  SUBMIT,
  /** Every read: request status, registry models, versions, manifests, reports, downloads. */
  READ,
  /** Alias moves (promote, forced promote, rollback) and later admin-only actions; implies READ. */
  ADMIN;

  /** The scopes a token holding this one has: itself, and {@link #READ} for {@link #ADMIN}. */
  public Set<Scope> implied() {
    return this == ADMIN ? EnumSet.of(ADMIN, READ) : EnumSet.of(this);
  }

  /** The name used in token files: lower case ({@code submit}, {@code read}, {@code admin}). */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope called {@code tag} (case-insensitive), if any. */
  public static Optional<Scope> ofTag(String tag) {
    for (Scope s : values()) {
      if (s.name().equalsIgnoreCase(tag.trim())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** {@code granted} with every implied scope added. */
  public static Set<Scope> closure(Set<Scope> granted) {
    Set<Scope> all = EnumSet.noneOf(Scope.class);
    for (Scope s : granted) {
      all.addAll(s.implied());
    }
    return all;
  }
}
