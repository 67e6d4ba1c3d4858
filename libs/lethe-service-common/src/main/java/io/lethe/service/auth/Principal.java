package io.lethe.service.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who made a request: the name of the token entry that matched (never the token) and the scopes it
 * holds, implied ones included ({@link Scope#closure}). The name is what an audit log records as
 * the actor.
 *
 * @param name the token entry's name, e.g. {@code ops-alice}
 * @param scopes effective scopes (with {@link Scope#ADMIN}, {@link Scope#READ} too)
 */
public record Principal(String name, Set<Scope> scopes) {
  /**
   * The principal of every request while authentication is switched off ({@code LETHE_AUTH=off}).
   */
  public static final Principal ANONYMOUS = new Principal("anonymous", EnumSet.allOf(Scope.class));

  public Principal {
    Objects.requireNonNull(name, "name");
    scopes = Set.copyOf(Scope.closure(Objects.requireNonNull(scopes, "scopes")));
  }

  /** Whether this principal holds {@code scope} (directly or implied). */
  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  /** Whether this principal holds at least one of {@code anyOf}. */
  public boolean hasAny(Set<Scope> anyOf) {
    return anyOf.stream().anyMatch(scopes::contains);
  }
}
