package io.lethe.service;

import io.vertx.core.Future;

/**
 * Something with a life cycle that a service runs: a consumer, an HTTP endpoint, a whole stage.
 * {@link #start()} completes when the component is really ready (connected, listening, assigned),
 * so whoever deploys it can report readiness truthfully; {@link #stop()} releases everything and
 * completes when done. Both are called on a Vert.x context and must not block it.
 */
public interface Component {
  Future<Void> start();

  Future<Void> stop();
}
