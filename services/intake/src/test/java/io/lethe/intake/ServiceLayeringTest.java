package io.lethe.intake;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Services know nothing of tensors: they use the engine's API, never DJL itself. This one does not
 * even need the engine: it works on manifests and bytes only. Its core (deletion → forget request)
 * knows neither of the ways a deletion enters: HTTP and Kafka are adapters around it.
 */
class ServiceLayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.intake");

  @Test
  void usesNoDjlDirectly() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("ai.djl..").check(MAIN);
  }

  @Test
  void usesNoEngineClasses() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.lethe.engine..").check(MAIN);
  }

  @Test
  void theCoreKnowsNoAdapter() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.intake.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.lethe.intake",
            "io.lethe.intake.http..",
            "io.lethe.intake.kafka..",
            "io.vertx.core.http..",
            "io.vertx.ext.web..",
            "org.apache.kafka.clients.consumer..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lethe.service.kafka.ContractConsumer")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lethe.service.kafka.Delivery")
        .check(MAIN);
  }
}
