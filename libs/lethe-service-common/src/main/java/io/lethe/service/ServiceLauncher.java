package io.lethe.service;

import io.lethe.service.config.HttpSettings;
import io.lethe.service.health.Health;
import io.lethe.service.health.HealthReporting;
import io.lethe.service.metrics.HttpEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a service: its HTTP endpoint ({@code /metrics}, {@code /health/live}, {@code /health/ready},
 * {@code /health}) first, so a slow start is observable (readiness answers 503 until the component
 * is ready), then the component in a {@link ComponentVerticle}. A component that implements {@link
 * HealthReporting} (e.g. a stage returning its consumer's health) is added to both health checks
 * under the name {@code component}. The returned future succeeds only when both are really up; if
 * the component fails to start, the endpoint is undeployed again and the failure is returned.
 */
public final class ServiceLauncher {
  private ServiceLauncher() {}

  /** A launched service; {@link #stop()} undeploys the component, then the endpoint. */
  public record Running(
      Vertx vertx, String componentDeployment, String httpDeployment, int httpPort) {
    public Future<Void> stop() {
      return vertx.undeploy(componentDeployment).eventually(() -> vertx.undeploy(httpDeployment));
    }
  }

  public static Future<Running> launch(
      Vertx vertx,
      HttpSettings http,
      PrometheusMeterRegistry registry,
      Function<Vertx, ? extends Component> component) {
    Objects.requireNonNull(vertx, "vertx");
    ComponentVerticle service = new ComponentVerticle(component);
    HttpEndpoint[] endpoint = new HttpEndpoint[1];
    ComponentVerticle web =
        new ComponentVerticle(
            v -> {
              endpoint[0] =
                  new HttpEndpoint(v, http, registry)
                      .optReadiness(service::isReady)
                      .optHealth(
                          "component",
                          () ->
                              service.component() instanceof HealthReporting h
                                  ? h.health()
                                  : Health.UP);
              return endpoint[0];
            });
    return vertx
        .deployVerticle(web)
        .compose(
            httpId ->
                vertx
                    .deployVerticle(service)
                    .map(id -> new Running(vertx, id, httpId, endpoint[0].actualPort()))
                    .recover(
                        failure ->
                            vertx
                                .undeploy(httpId)
                                .transform(ignored -> Future.<Running>failedFuture(failure))));
  }
}
