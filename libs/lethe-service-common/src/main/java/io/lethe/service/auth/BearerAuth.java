package io.lethe.service.auth;

import io.lethe.api.MessageCodec;
import io.lethe.service.http.ProblemResponses;
import io.lethe.service.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token checks for a service's routes ({@code Authorization: Bearer <token>}, RFC 6750).
 *
 * <ul>
 *   <li>no {@code Authorization} header, another scheme, a malformed or unknown token: 401 with
 *       {@code WWW-Authenticate: Bearer realm="lethe"} and a problem.v1 body;
 *   <li>a known token without any of the route's scopes: 403, problem.v1;
 *   <li>otherwise the caller's {@link Principal} is stored in the context ({@link
 *       #principal(RoutingContext)}) and the next handler runs.
 * </ul>
 *
 * Every rejection is counted in {@code lethe_<stage>_http_auth_failures_total{reason="missing" |
 * "invalid" | "forbidden"}}; neither the token nor its entry's name is ever a tag or a log line.
 *
 * <p>A route is protected with {@link #guard(Route, Set)}, which also records the scopes on the
 * route ({@link #SCOPES_METADATA}) so tests can enumerate a router and check that every route but
 * the {@link PublicPaths public} ones has a guard. With {@link AuthSettings#off()} every request
 * passes as {@link Principal#ANONYMOUS}, after one loud warning.
 */
public final class BearerAuth {
  private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);

  /** Route metadata key: the {@code Set<Scope>} any one of which admits a request. */
  public static final String SCOPES_METADATA = "lethe.auth.scopes";

  /** The value of {@code WWW-Authenticate} on a 401. */
  public static final String CHALLENGE = "Bearer realm=\"lethe\"";

  static final String PRINCIPAL_KEY = "lethe.auth.principal";

  /** RFC 6750's b64token, bounded: nothing longer is hashed. */
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9\\-._~+/]{1,512}=*$");

  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /** Why a request was turned away: the {@code reason} tag. */
  public enum Failure {
    /** No {@code Authorization: Bearer} header. */
    MISSING,
    /** A malformed token, or one no entry holds. */
    INVALID,
    /** A known token without the route's scope. */
    FORBIDDEN;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final AuthSettings settings;
  private final ProblemResponses problems = new ProblemResponses(new MessageCodec());
  private final java.util.Map<Failure, Counter> failures = new java.util.EnumMap<>(Failure.class);

  /**
   * @param metrics the service's meters: {@code http_auth_failures} is registered there
   */
  public BearerAuth(AuthSettings settings, Metrics metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(metrics, "metrics");
    for (Failure f : Failure.values()) {
      failures.put(f, metrics.counter("http_auth_failures", "reason", f.tag()));
    }
    if (!settings.enabled() && WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "!!! {}=off: HTTP API AUTHENTICATION IS DISABLED. Every caller may submit deletions,"
              + " read every request and move every alias. Never run like this outside a"
              + " local experiment. !!!",
          AuthSettings.AUTH);
    }
  }

  /** A handler admitting requests whose token holds {@code scope} (or one implying it). */
  public Handler<RoutingContext> requires(Scope scope) {
    return requiresAny(EnumSet.of(Objects.requireNonNull(scope, "scope")));
  }

  /**
   * A handler admitting requests whose token holds at least one of {@code anyOf}; an empty set
   * admits every known token (what an unmatched path needs: authentication before a 404).
   */
  public Handler<RoutingContext> requiresAny(Set<Scope> anyOf) {
    Set<Scope> required = Set.copyOf(anyOf);
    return ctx -> check(ctx, required);
  }

  /** A handler admitting every request with a known token, whatever its scopes. */
  public Handler<RoutingContext> authenticated() {
    return requiresAny(Set.of());
  }

  /**
   * Adds the check for {@code anyOf} as {@code route}'s first handler and records the scopes on the
   * route ({@link #SCOPES_METADATA}). The only way the services register an API route.
   */
  public Route guard(Route route, Set<Scope> anyOf) {
    Objects.requireNonNull(route, "route");
    Set<Scope> required = Set.copyOf(anyOf);
    return route.putMetadata(SCOPES_METADATA, required).handler(requiresAny(required));
  }

  /**
   * Who made the request, as stored by a guard.
   *
   * @throws IllegalStateException if the route had no guard: a bug, not a client error
   */
  public static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL_KEY);
    if (p == null) {
      throw new IllegalStateException(
          "no principal for "
              + ctx.request().path()
              + ": the route was registered without a guard");
    }
    return p;
  }

  /**
   * For a router's error handlers (404, 405): runs {@code then} only if the request carries a known
   * token, else answers 401, so an anonymous caller cannot tell a served path from another.
   */
  public void ifAuthenticated(RoutingContext ctx, Runnable then) {
    if (admit(ctx, Set.of()).isPresent()) {
      then.run();
    }
  }

  private void check(RoutingContext ctx, Set<Scope> required) {
    if (admit(ctx, required).isPresent()) {
      ctx.next();
    }
  }

  /** The principal, stored in {@code ctx}; or empty once the request has been answered 401/403. */
  private Optional<Principal> admit(RoutingContext ctx, Set<Scope> required) {
    if (!settings.enabled()) {
      ctx.put(PRINCIPAL_KEY, Principal.ANONYMOUS);
      return Optional.of(Principal.ANONYMOUS);
    }
    Optional<String> token = bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      reject(ctx, Failure.MISSING, "send the header Authorization: Bearer <token>");
      return Optional.empty();
    }
    Optional<Principal> principal =
        token.isPresent() ? settings.tokens().authenticate(token.get()) : Optional.empty();
    if (principal.isEmpty()) {
      reject(ctx, Failure.INVALID, "the bearer token is not valid");
      return Optional.empty();
    }
    Principal p = principal.get();
    if (!required.isEmpty() && !p.hasAny(required)) {
      reject(
          ctx,
          Failure.FORBIDDEN,
          ctx.request().method()
              + " "
              + ctx.request().path()
              + " needs scope "
              + required.stream().map(Scope::tag).sorted().collect(Collectors.joining(" or ")));
      return Optional.empty();
    }
    ctx.put(PRINCIPAL_KEY, p);
    return principal;
  }

  /**
   * The token of a {@code Bearer} header: {@code null} without one (no header, another scheme),
   * empty if it is malformed.
   */
  static Optional<String> bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    String scheme = space < 0 ? h : h.substring(0, space);
    if (!scheme.equalsIgnoreCase("Bearer")) {
      return null;
    }
    String token = space < 0 ? "" : h.substring(space + 1).strip();
    return TOKEN.matcher(token).matches() ? Optional.of(token) : Optional.empty();
  }

  private void reject(RoutingContext ctx, Failure failure, String detail) {
    failures.get(failure).increment();
    int status = failure == Failure.FORBIDDEN ? 403 : 401;
    if (status == 401) {
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              failure == Failure.INVALID ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
    }
    String title = status == 401 ? "Unauthorized" : "Forbidden";
    problems.send(ctx, ProblemResponses.problem(status, title, detail, ctx.request().path()));
  }
}
