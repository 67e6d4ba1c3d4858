package io.lethe.intake;

import io.lethe.config.ConfigException;
import io.lethe.intake.core.ModelCatalog;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.service.ComponentVerticle;
import io.lethe.service.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the intake from the environment ({@link IntakeSettings#fromEnv()}). Configuration and a file
 * model catalog are checked before anything connects: a bad value exits with status 2 and a message
 * naming the variable; a failed start (including a registry catalog that cannot be read) exits with
 * 1. With {@code INTAKE_MODEL_CATALOG=registry} the {@link RegistryModelCatalog} is deployed first,
 * and the intake only once it has read the registry.
 */
public final class IntakeMain {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeMain.class);

  private IntakeMain() {}

  public static void main(String[] args) {
    IntakeSettings settings;
    JsonModelCatalog fileCatalog;
    try {
      settings = IntakeSettings.fromEnv();
      fileCatalog =
          settings.modelCatalog() == null ? null : JsonModelCatalog.load(settings.modelCatalog());
    } catch (ConfigException e) {
      System.err.println("lethe-intake: " + e.getMessage());
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics(IntakeSettings.SERVICE);
    Vertx vertx = Vertx.vertx();
    Future<ModelCatalog> catalog;
    if (fileCatalog != null) {
      catalog = Future.succeededFuture(fileCatalog);
    } else {
      RegistryCatalogSettings registry = settings.registryCatalog();
      catalog =
          vertx
              .executeBlocking( // opening a store checks (or creates) its bucket: blocking
                  () ->
                      new RegistryModelCatalog(
                          vertx,
                          new ModelStore(registry.models()),
                          new DatasetStore(registry.datasets()),
                          registry.refresh()))
              .compose(
                  c ->
                      vertx
                          .deployVerticle(new ComponentVerticle(v -> c))
                          .map(id -> (ModelCatalog) c));
    }
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
    catalog
        .compose(
            c ->
                vertx.deployVerticle(
                    new ComponentVerticle(v -> new IntakeService(v, settings, c, metrics))))
        .onSuccess(id -> LOG.info("lethe-intake started"))
        .onFailure(
            e -> {
              LOG.error("lethe-intake failed to start: {}", e.toString(), e);
              System.exit(1);
            });
  }
}
