package io.lethe.registry.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Storage knows nothing of DJL: it stores bytes and manifests; the engine restores models. */
class StoreLayeringTest {
  private static final JavaClasses STORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.registry.store");

  @Test
  void theStoreKnowsNothingOfDjlOrTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.registry.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", "io.lethe.engine..", "io.vertx..", "org.apache.kafka..")
        .because("intake and the registry read versions without loading a model")
        .check(STORE);
  }
}
