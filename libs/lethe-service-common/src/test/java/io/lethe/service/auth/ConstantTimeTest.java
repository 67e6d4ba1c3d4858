package io.lethe.service.auth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Token hashes are compared with {@link MessageDigest#isEqual} (constant time for equal lengths),
 * never with an early-exit comparison that would time how many leading bytes matched.
 */
class ConstantTimeTest {
  private static final JavaClasses AUTH =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lethe.service.auth");

  @Test
  void hashesAreComparedWithMessageDigestIsEqual() {
    classes()
        .that()
        .haveSimpleName("ApiTokens")
        .should()
        .callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
        .check(AUTH);
  }

  @Test
  void neverWithAnEarlyExitComparison() {
    noClasses()
        .should()
        .callMethod(Arrays.class, "equals", byte[].class, byte[].class)
        .orShould()
        .callMethod(Arrays.class, "mismatch", byte[].class, byte[].class)
        .orShould()
        .callMethod(Arrays.class, "compare", byte[].class, byte[].class)
        .check(AUTH);
  }
}
