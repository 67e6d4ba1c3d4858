package io.lethe.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The format is what every service may read and write: it must not pull in DJL or the engine. */
class FormatLayeringTest {
  private static final JavaClasses FORMAT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.format");

  @Test
  void theFormatKnowsNothingOfDjlOrTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", "io.lethe.engine..", "io.lethe.registry..", "io.vertx..")
        .because("manifests and sample tables are read by services that do not load models")
        .check(FORMAT);
  }
}
