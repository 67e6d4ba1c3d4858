package io.lethe.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine's layering, enforced: it knows nothing of transports or front ends, and its pure
 * packages (datasets, metrics) know nothing of tensors, so they stay testable without natives.
 */
class EngineLayeringTest {
  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.engine");

  @Test
  void engineDoesNotDependOnKafkaVertxHttpTheServicesOrTheTools() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.vertx..",
            "io.minio..",
            "picocli..",
            "io.lethe.cli..",
            "io.lethe.api..",
            "io.lethe.service..",
            "io.lethe.intake..",
            "io.lethe.worker..",
            "io.lethe.evaluator..",
            "io.lethe.registry..",
            "io.lethe.embedded..",
            "io.lethe.infra..",
            "io.lethe.bench..",
            "java.net.http..")
        .check(ENGINE);
  }

  @Test
  void datasetsAndMetricsArePureJava() {
    noClasses()
        .that()
        .resideInAnyPackage("io.lethe.engine.data..", "io.lethe.engine.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.djl..")
        .check(ENGINE);
  }

  @Test
  void onlyTheWorkflowAndCheckpointsTouchTheFileSystemForModels() {
    noClasses()
        .that()
        .resideInAnyPackage("io.lethe.engine.unlearn..", "io.lethe.engine.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.lethe.engine.checkpoint..")
        .check(ENGINE);
  }
}
