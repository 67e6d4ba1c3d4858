package io.lethe.service.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one component's health, in the two senses an orchestrator acts on:
 *
 * <ul>
 *   <li><b>live</b>: the process can still do its job without a restart (false: e.g. the consumer's
 *       poll thread died; restarting the process is the fix);
 *   <li><b>ready</b>: it does its job right now (false: still starting, stalled, or a dependency
 *       has been unreachable for too long; traffic and alerts should know, a restart would not
 *       help).
 * </ul>
 *
 * Each failing check is named with a short reason ({@code "consumer lethe.forget-requests" ->
 * "stalled: ..."}), so a 503 says what to look at.
 *
 * @param notLive failing liveness checks, name to reason (empty when live)
 * @param notReady failing readiness checks, name to reason (empty when ready); a check that is not
 *     live is not ready either
 */
public record Health(Map<String, String> notLive, Map<String, String> notReady) {
  public static final Health UP = new Health(Map.of(), Map.of());

  public Health {
    notLive = Map.copyOf(Objects.requireNonNull(notLive, "notLive"));
    Map<String, String> nr = new LinkedHashMap<>(Objects.requireNonNull(notReady, "notReady"));
    notLive.forEach(nr::putIfAbsent);
    notReady = Map.copyOf(nr);
  }

  /** Live but not ready: {@code check} fails for {@code reason}. */
  public static Health notReady(String check, String reason) {
    return new Health(Map.of(), Map.of(check, reason));
  }

  /** Neither live nor ready: {@code check} fails for {@code reason}. */
  public static Health dead(String check, String reason) {
    return new Health(Map.of(check, reason), Map.of());
  }

  public boolean live() {
    return notLive.isEmpty();
  }

  public boolean ready() {
    return notReady.isEmpty();
  }

  /** Both this and {@code other}'s failing checks. */
  public Health and(Health other) {
    Map<String, String> live = new LinkedHashMap<>(notLive);
    live.putAll(other.notLive);
    Map<String, String> ready = new LinkedHashMap<>(notReady);
    ready.putAll(other.notReady);
    return new Health(live, ready);
  }

  /** The same checks with {@code prefix + ": "} before each name. */
  public Health named(String prefix) {
    Map<String, String> live = new LinkedHashMap<>();
    notLive.forEach((k, v) -> live.put(prefix + ": " + k, v));
    Map<String, String> ready = new LinkedHashMap<>();
    notReady.forEach((k, v) -> ready.put(prefix + ": " + k, v));
    return new Health(live, ready);
  }
}
