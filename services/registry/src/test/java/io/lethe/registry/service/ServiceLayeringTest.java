package io.lethe.registry.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Services know nothing of tensors: they use the engine's API, never DJL itself. This one does not
 * even need the engine: it works on manifests and bytes only.
 */
class ServiceLayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.registry.service");

  @Test
  void usesNoDjlDirectly() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("ai.djl..").check(MAIN);
  }

  @Test
  void usesNoEngineClasses() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.lethe.engine..").check(MAIN);
  }
}
