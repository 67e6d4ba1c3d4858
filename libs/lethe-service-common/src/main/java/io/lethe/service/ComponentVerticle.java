package io.lethe.service;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.function.Function;

/**
 * A thin verticle around a {@link Component}: the deployment succeeds only when the component's
 * {@code start()} did, and undeploying stops it. The component is built from the verticle's {@code
 * Vertx} in {@link #start()} so that it is created on the verticle's own context.
 *
 * <p>If {@code start()} fails, the component is stopped before the deployment fails, so a half
 * started component (e.g. a producer opened before a consumer failed) does not leak.
 */
public final class ComponentVerticle extends VerticleBase {
  private final Function<Vertx, ? extends Component> factory;
  private volatile Component component;
  private volatile boolean ready;

  public ComponentVerticle(Function<Vertx, ? extends Component> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public Future<?> start() {
    Component c;
    try {
      c = Objects.requireNonNull(factory.apply(vertx), "the factory returned null");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    component = c;
    return c.start()
        .onSuccess(v -> ready = true)
        .recover(failure -> c.stop().transform(ignored -> Future.<Void>failedFuture(failure)));
  }

  @Override
  public Future<?> stop() {
    ready = false;
    Component c = component;
    return c == null ? Future.succeededFuture() : c.stop();
  }

  /** True between a successful start and the beginning of stop: what {@code /health} reports. */
  public boolean isReady() {
    return ready;
  }

  /** The component, once {@link #start()} has built it. */
  public Component component() {
    return component;
  }
}
