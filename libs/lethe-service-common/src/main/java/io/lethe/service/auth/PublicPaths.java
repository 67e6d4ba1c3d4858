package io.lethe.service.auth;

import java.util.Set;

/**
 * The only HTTP paths served without a token: health and metrics. Probes (Kubernetes, Compose) and
 * Prometheus scrape them without credentials, and they carry no secret and no subject id: health
 * bodies name failing checks, metrics are counts tagged with model ids, routes and statuses. Every
 * other route is registered through {@link BearerAuth#guard}; the auth tests of each service check
 * that a router's unguarded routes are exactly these.
 */
public final class PublicPaths {
  public static final String METRICS = "/metrics";
  public static final String HEALTH = "/health";
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  /** All of them. */
  public static final Set<String> ALL = Set.of(METRICS, HEALTH, LIVE, READY);

  private PublicPaths() {}
}
