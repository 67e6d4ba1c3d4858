package io.lethe.intake;

import io.lethe.service.ComponentVerticle;
import io.lethe.service.config.ConfigException;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the intake from the environment ({@link IntakeSettings#fromEnv()}). Configuration and the
 * model catalog are checked before anything connects: a bad value exits with status 2 and a message
 * naming the variable; a failed start exits with 1.
 */
public final class IntakeMain {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeMain.class);

  private IntakeMain() {}

  public static void main(String[] args) {
    IntakeSettings settings;
    ModelCatalog catalog;
    try {
      settings = IntakeSettings.fromEnv();
      catalog = JsonModelCatalog.load(settings.modelCatalog());
    } catch (ConfigException e) {
      System.err.println("lethe-intake: " + e.getMessage());
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics(IntakeSettings.SERVICE);
    Vertx vertx = Vertx.vertx();
    ComponentVerticle verticle =
        new ComponentVerticle(v -> new IntakeService(v, settings, catalog, metrics));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("shutdown: {}", e.toString());
                  }
                },
                "lethe-intake-shutdown"));
    vertx
        .deployVerticle(verticle)
        .onSuccess(id -> LOG.info("lethe-intake started"))
        .onFailure(
            e -> {
              LOG.error("lethe-intake failed to start: {}", e.toString(), e);
              System.exit(1);
            });
  }
}
