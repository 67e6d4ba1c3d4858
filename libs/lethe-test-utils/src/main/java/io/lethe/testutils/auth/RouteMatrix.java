package io.lethe.testutils.auth;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The auth test of a running service, driven by its real router: every route of {@link
 * Router#getRoutes()} is called with no token, a wrong token and each {@link TestTokens} scope, so
 * a route added later without a guard fails the test rather than shipping open.
 *
 * <p>A route is guarded when a route for its method and path carries the scopes metadata ({@value
 * #SCOPES_METADATA}, set by the services' {@code BearerAuth.guard}) and that guard is the first
 * route registered for it. Expected: no token and a wrong token 401 (with {@code WWW-Authenticate:
 * Bearer realm="lethe"}), a token without any of the route's scopes 403, a token with one neither
 * 401 nor 403, always with a problem+json body on 401/403. Unguarded routes must be exactly the
 * public paths the caller names, and answer without a token. Two requests nothing serves (an
 * unknown path under {@code /v1/}, {@code DELETE} on a served path) must need a token as well.
 */
public final class RouteMatrix {
  /** The route metadata key holding a guarded route's scopes. */
  public static final String SCOPES_METADATA = "lethe.auth.scopes";

  private static final Pattern PARAM = Pattern.compile(":([A-Za-z0-9_]+)");

  /** A path no service serves, probed as "unmatched". */
  public static final String UNMATCHED_PATH = "/v1/no-such-route";

  private static final List<String> COLUMNS = List.of("none", "wrong", "submit", "read", "admin");

  /**
   * One method and path template of the router.
   *
   * @param scopes lower-case scope names any one of which admits a request; empty = any valid
   *     token; {@code null} = unguarded
   */
  public record Endpoint(String method, String path, Set<String> scopes) {
    public boolean guarded() {
      return scopes != null;
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private final URI base;
  private final Map<String, String> pathValues;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param base the service's root, e.g. {@code http://127.0.0.1:8080}
   * @param pathValues a plausible value per path parameter ({@code modelId} → {@code m1}); any
   *     other parameter gets {@code x1}
   */
  public RouteMatrix(URI base, Map<String, String> pathValues) {
    this.base = Objects.requireNonNull(base, "base");
    this.pathValues = Map.copyOf(pathValues);
  }

  /**
   * The router's endpoints in registration order, with their guards.
   *
   * @throws AssertionError if a guard is not the first route of its method and path
   */
  public static List<Endpoint> endpoints(Router router) {
    Map<String, Endpoint> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      if (r.isRegexPath() && r.getPath() == null) { // a template with :params has its path
        problems.add("a regex route (" + r + ") cannot be called by the matrix; use a template");
        continue;
      }
      String path = r.getPath() == null ? "/*" : r.getPath();
      Collection<String> methods =
          r.methods() == null || r.methods().isEmpty()
              ? List.of("*")
              : r.methods().stream().map(HttpMethod::name).toList();
      Object meta = r.getMetadata(SCOPES_METADATA);
      for (String m : methods) {
        String key = m + " " + path;
        Endpoint seen = out.get(key);
        if (seen == null) {
          out.put(key, new Endpoint(m, path, meta == null ? null : names(meta)));
        } else if (!seen.guarded() && meta != null) {
          problems.add(key + ": its guard is registered after another route for it");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", problems));
    }
    return List.copyOf(out.values());
  }

  /**
   * Calls every endpoint as every caller and checks the outcome (see the class comment); prints the
   * matrix as a markdown table to standard output.
   *
   * @param title the table's heading, e.g. the service's name
   * @param publicPaths the only paths allowed without a guard (e.g. {@code /metrics})
   * @return the table
   * @throws AssertionError listing every cell that broke the rule, and unexpected public paths
   */
  public String check(String title, Router router, Set<String> publicPaths) throws Exception {
    List<Endpoint> endpoints = endpoints(router);
    List<String> failures = new ArrayList<>();
    Set<String> unguarded =
        endpoints.stream()
            .filter(e -> !e.guarded())
            .map(Endpoint::path)
            .collect(Collectors.toCollection(TreeSet::new));
    if (!unguarded.equals(new TreeSet<>(publicPaths))) {
      failures.add(
          "routes without a guard must be exactly the public paths "
              + new TreeSet<>(publicPaths)
              + ", found "
              + unguarded);
    }
    StringBuilder table = new StringBuilder();
    table.append("\n#### ").append(title).append(": status by caller\n\n");
    table.append("| route | needs | ").append(String.join(" | ", COLUMNS)).append(" |\n");
    table.append("|---|---|").append("---|".repeat(COLUMNS.size())).append("\n");
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("none", null);
    tokens.put("wrong", TestTokens.WRONG);
    tokens.putAll(TestTokens.byScope());
    // Not served: an unknown path under /v1/ and an unknown method on a served path must need a
    // token too (401, not route discovery), then answer 404/405.
    List<Endpoint> probes = new ArrayList<>(endpoints);
    probes.add(new Endpoint("GET", UNMATCHED_PATH, Set.of()));
    endpoints.stream()
        .filter(e -> e.guarded() && !e.method().equals("*"))
        .findFirst()
        .ifPresent(e -> probes.add(new Endpoint("DELETE", e.path(), Set.of())));
    for (Endpoint e : probes) {
      String path = concrete(e.path());
      String method = e.method().equals("*") ? "GET" : e.method();
      List<String> cells = new ArrayList<>();
      for (Map.Entry<String, String> caller : tokens.entrySet()) {
        HttpResponse<String> r = send(method, path, caller.getValue());
        int status = r.statusCode();
        cells.add(Integer.toString(status));
        String expected = expectation(e, caller.getKey());
        String cell = e + " as " + caller.getKey() + " (" + method + " " + path + ") answered ";
        switch (expected) {
          case "401" -> {
            if (status != 401
                || !r.headers()
                    .firstValue("WWW-Authenticate")
                    .orElse("")
                    .startsWith("Bearer realm=\"lethe\"")) {
              failures.add(cell + status + " " + r.headers().map() + ", expected 401 + challenge");
            }
          }
          case "403" -> {
            if (status != 403) {
              failures.add(cell + status + ", expected 403");
            }
          }
          default -> {
            if (status == 401 || status == 403) {
              failures.add(cell + status + ", expected neither 401 nor 403");
            }
          }
        }
        if ((status == 401 || status == 403)
            && !r.headers()
                .firstValue("content-type")
                .orElse("")
                .startsWith("application/problem+json")) {
          failures.add(cell + status + " without a problem+json body");
        }
      }
      table
          .append("| `")
          .append(e.method().equals("*") ? "any" : e.method())
          .append(' ')
          .append(e.path())
          .append("` | ")
          .append(endpoints.contains(e) ? needs(e) : "any token (not served)")
          .append(" | ")
          .append(String.join(" | ", cells))
          .append(" |\n");
    }
    String printed = table.toString();
    System.out.println(printed);
    if (!failures.isEmpty()) {
      throw new AssertionError(
          failures.size() + " auth expectations broken:\n" + String.join("\n", failures));
    }
    return printed;
  }

  private static String needs(Endpoint e) {
    if (!e.guarded()) {
      return "public";
    }
    return e.scopes().isEmpty() ? "any token" : String.join(" or ", new TreeSet<>(e.scopes()));
  }

  /** {@code 401}, {@code 403} or {@code pass} for {@code caller} on {@code e}. */
  private static String expectation(Endpoint e, String caller) {
    if (!e.guarded()) {
      return "pass";
    }
    if (caller.equals("none") || caller.equals("wrong")) {
      return "401";
    }
    Set<String> held = TestTokens.effectiveScopes().get(caller);
    return e.scopes().isEmpty() || e.scopes().stream().anyMatch(held::contains) ? "pass" : "403";
  }

  private String concrete(String template) {
    String path = template;
    if (path.endsWith("*")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith("/") && path.length() > 1) {
      path = path + "no-such-route";
    }
    Matcher m = PARAM.matcher(path);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(pathValues.getOrDefault(m.group(1), "x1")));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private HttpResponse<String> send(String method, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header(TestTokens.AUTHORIZATION, TestTokens.bearer(token));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> names(Object meta) {
    if (!(meta instanceof Collection<?> c)) {
      throw new AssertionError(SCOPES_METADATA + " is not a collection: " + meta);
    }
    return c.stream()
        .map(s -> s.toString().toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
