package io.lethe.service.health;

/**
 * A {@link io.lethe.service.Component} that knows more about its health than "started": {@link
 * io.lethe.service.ServiceLauncher} adds it to the service's {@code /health/live} and {@code
 * /health/ready} (e.g. a stage returns its consumer's {@link
 * io.lethe.service.kafka.ContractConsumer#health()}).
 */
public interface HealthReporting {
  /** Called at every health request, on an event loop: must be cheap and never block. */
  Health health();
}
