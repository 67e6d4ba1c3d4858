package io.lethe.service;

import io.lethe.config.ConfigException;
import io.lethe.service.config.HttpSettings;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does, once: read the configuration (exit 2 with the bad
 * variable named), launch {@code /metrics}, {@code /health} and the component, stop cleanly on JVM
 * shutdown, exit 1 if start-up fails.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  /** Runs {@code load}; on a {@link ConfigException} prints it and exits with status 2. */
  public static <T> T configOrExit(String service, Supplier<T> load) {
    try {
      return load.get();
    } catch (ConfigException e) {
      System.err.println(service + ": " + e.getMessage());
      System.exit(2);
      throw e; // not reached
    }
  }

  /** Launches the service; registers a shutdown hook once it is up, exits 1 if it fails. */
  public static void launch(
      String service, HttpSettings http, Metrics metrics, Function<Vertx, Component> component) {
    Vertx vertx = Vertx.vertx();
    ServiceLauncher.launch(vertx, http, metrics.registry(), component)
        .onSuccess(
            running -> {
              LOG.info("{} up, /metrics on port {}", service, running.httpPort());
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> {
                            try {
                              running.stop().await();
                            } catch (Exception e) {
                              LOG.warn("{} stop failed: {}", service, e.toString());
                            }
                          },
                          service + "-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error("{} failed to start: {}", service, e.toString(), e);
              vertx.close().onComplete(ignored -> System.exit(1));
            });
  }
}
